import type { AccountEmailModel } from '../accounts/account-emails.js';
import { identityKey, type User } from '../accounts/user.js';
import type { Outbox } from '../mail/email.js';
import { formatExactWithZone } from '../notifications/date-format.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import type { CredentialCapabilities } from './credential-policy.js';
import type { ExternalIdentity, PasswordProvider } from './external-identity.js';
import type { PasswordHasher } from './password-hasher.js';
import {
  assertNotLocked,
  recordAttempt,
  type ThrottleRule,
  type ThrottleStore,
  throttleKeys,
} from './throttle.js';

/** The user look-ups sign-in needs. */
export interface SignInUsers {
  /** By username, email or former username, case-insensitively (NFC). */
  findBySignInName(identifier: string): Promise<User | null>;
  passwordHash(userId: string): Promise<string | null>;
}

/** Turns an identity a password provider vouched for into a Concierge user (the identity issue's upsert). */
export type ExternalUserResolver = (identity: ExternalIdentity) => Promise<User>;

export interface SignInDeps {
  readonly users: SignInUsers;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly throttle: ThrottleStore;
  readonly rules: { readonly account: ThrottleRule; readonly ip: ThrottleRule };
  /** Providers that check passwords themselves (LDAP), tried for accounts that are not local. */
  readonly passwordProviders: readonly PasswordProvider[];
  readonly resolveExternal?: ExternalUserResolver;
  readonly isLocalProvider: (providerId: string) => boolean;
  /** Who keeps an account's password: the lock notice of an LDAP or OIDC user names whom to ask. */
  readonly capabilities: (user: User) => CredentialCapabilities;
  /** A hash of a random password, verified for unknown users so both answers take as long. */
  readonly dummyHash: () => Promise<string>;
  readonly transact: Transact<{ outbox: Outbox }>;
  readonly publicUrl: string;
  /** Where a security notice that could not be queued is reported (logged, never a failed request). */
  readonly reportError: (error: unknown, what: string) => void;
}

export interface SignInInput {
  readonly identifier: string;
  readonly password: string;
  /** The client's address, or null when unknown (then only the account counter applies). */
  readonly ip: string | null;
}

const invalid = () =>
  new DomainError(
    'invalid_credentials',
    'The username, email or password is wrong. Check them and try again, or reset your password.',
  );

/**
 * Signs in with a username-or-email and password. Wrong password, unknown user or an account with no
 * password all answer the same `invalid_credentials` after one password verification; failures count
 * per account and per address, and the owner of an account that gets locked is emailed once.
 */
export async function signIn(deps: SignInDeps, input: SignInInput): Promise<User> {
  const now = deps.clock();
  const identifier = input.identifier.normalize('NFC').trim();
  if (input.ip !== null) {
    await assertNotLocked(
      deps.throttle,
      throttleKeys.signInIp(input.ip),
      now,
      (wait) => `Too many failed sign-ins from your network. Wait ${wait} and try again.`,
    );
  }
  const user = await deps.users.findBySignInName(identifier);
  // Unknown identifiers get counters of their own, so a lock answers alike whether or not the user exists.
  const accountKey = throttleKeys.signInAccount(user ? user.id : `name:${identityKey(identifier)}`);
  await assertNotLocked(
    deps.throttle,
    accountKey,
    now,
    (wait) =>
      `Too many failed sign-ins for this account. Wait ${wait} and try again, or reset your password with "Forgot your password?".`,
  );

  const verified = await verifyPassword(deps, user, identifier, input.password);
  if (!verified) {
    await recordFailure(deps, user, accountKey, input.ip);
    throw invalid();
  }
  if (verified.disabled) {
    throw new DomainError(
      'account_disabled',
      'This account is disabled. Ask your administrator to enable it again.',
    );
  }
  await deps.throttle.clear(accountKey);
  return verified;
}

async function verifyPassword(
  deps: SignInDeps,
  user: User | null,
  identifier: string,
  password: string,
): Promise<User | null> {
  if (user && deps.isLocalProvider(user.providerId)) {
    const hash = await deps.users.passwordHash(user.id);
    // An invited user without a password yet still costs one verification.
    const ok = await deps.hasher.verify(hash ?? (await deps.dummyHash()), password);
    return ok && hash !== null ? user : null;
  }
  const providers = user
    ? deps.passwordProviders.filter((p) => p.id === user.providerId)
    : deps.passwordProviders;
  if (providers.length === 0 || !deps.resolveExternal) {
    await deps.hasher.verify(await deps.dummyHash(), password);
    return null;
  }
  for (const provider of providers) {
    const identity = await provider.verify(identifier, password);
    if (identity) return deps.resolveExternal(identity);
  }
  return null;
}

async function recordFailure(
  deps: SignInDeps,
  user: User | null,
  accountKey: string,
  ip: string | null,
): Promise<void> {
  const now = deps.clock();
  if (ip !== null) await recordAttempt(deps.throttle, throttleKeys.signInIp(ip), deps.rules.ip, now);
  const { lockedNow } = await recordAttempt(deps.throttle, accountKey, deps.rules.account, now);
  if (!lockedNow || !user) return;
  const capabilities = deps.capabilities(user);
  const email: AccountEmailModel = {
    template: 'account-locked',
    data: {
      username: user.username,
      minutes: Math.ceil(deps.rules.account.lockMs / 60_000),
      when: formatExactWithZone(now, user.preferences),
      lockedUntil: formatExactWithZone(new Date(now.getTime() + deps.rules.account.lockMs), user.preferences),
      // "Forgot your password?" would only send a directory user the same advice, a day late.
      ...(capabilities.resetPassword
        ? { forgotUrl: `${deps.publicUrl}/forgot-password` }
        : { managedBy: { providerName: capabilities.providerName, contact: capabilities.contact } }),
    },
  };
  try {
    await deps.transact(({ outbox }) => outbox.enqueue({ ...email, to: user.email }));
  } catch (error) {
    deps.reportError(error, 'account-locked notice');
  }
}
