import type { AccountEmailModel } from '../accounts/account-emails.js';
import type { SignInCredentials } from '../accounts/account-ports.js';
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

/** The user look-up sign-in needs. */
export interface SignInUsers {
  /**
   * By username, email or former username, case-insensitively (NFC), with the local password hash: one
   * statement whatever matches, so the database work tells nothing either.
   */
  findSignInCredentials(identifier: string): Promise<SignInCredentials | null>;
}

/** Turns an identity a password provider vouched for into a Concierge user (created or refreshed). */
export type ExternalUserResolver = (identity: ExternalIdentity) => Promise<User>;

export interface SignInDeps {
  readonly users: SignInUsers;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly throttle: ThrottleStore;
  readonly rules: { readonly account: ThrottleRule; readonly ip: ThrottleRule };
  /** Providers that check passwords themselves (LDAP): every attempt asks each of them once. */
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
 * password all answer the same `invalid_credentials` after the same work (see `verifyPassword`); failures
 * count per account and per address, and the owner of an account that gets locked is emailed once.
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
  const found = await deps.users.findSignInCredentials(identifier);
  const user = found?.user ?? null;
  // Unknown identifiers get counters of their own, so a lock answers alike whether or not the user exists.
  const accountKey = throttleKeys.signInAccount(user ? user.id : `name:${identityKey(identifier)}`);
  await assertNotLocked(
    deps.throttle,
    accountKey,
    now,
    (wait) =>
      `Too many failed sign-ins for this account. Wait ${wait} and try again, or reset your password with "Forgot your password?".`,
  );

  const outcome = await verifyPassword(deps, found, identifier, input.password);
  if (!('user' in outcome)) {
    await recordFailure(deps, user, accountKey, input.ip);
    // A directory that could not be asked leaves every failed attempt undecided alike: a local account's
    // wrong password answers what an unknown identifier answers then, and counts the same.
    throw outcome.unavailable ?? invalid();
  }
  const verified = outcome.user;
  if (verified.disabled) {
    throw new DomainError(
      'account_disabled',
      'This account is disabled. Ask your administrator to enable it again.',
    );
  }
  await deps.throttle.clear(accountKey);
  return verified;
}

/** A signed-in user, or the reason to refuse: the first unreachable provider's error, else null. */
type Outcome = { readonly user: User } | { readonly unavailable: unknown };

/**
 * The password check, costing the same for every identifier: for an unknown one, a local account, a
 * directory account, one whose password is kept elsewhere (OIDC) or not set yet (an invitation), enabled
 * or disabled. Each attempt runs exactly one argon2 verification (the account's hash, else a dummy
 * one) and then asks every password provider once: `verify` where the password is that provider's to
 * check (its own accounts, and any identifier no account here holds, which may be a directory person
 * signing in for the first time), `rehearse` everywhere else, which makes the same round-trips and never
 * sends the password. So a local user's password never reaches a directory, and a local user still
 * costs the directory searches an unknown identifier costs. Only success stops early: a right password
 * has nothing left to hide.
 */
async function verifyPassword(
  deps: SignInDeps,
  found: SignInCredentials | null,
  identifier: string,
  password: string,
): Promise<Outcome> {
  const user = found?.user ?? null;
  const local = user !== null && deps.isLocalProvider(user.providerId);
  const hash = local ? (found?.passwordHash ?? null) : null;
  const matches = await deps.hasher.verify(hash ?? (await deps.dummyHash()), password);
  if (user && matches && hash !== null) return { user };
  let unavailable: unknown = null;
  for (const provider of deps.passwordProviders) {
    const theirs = !local && deps.resolveExternal && (user === null || user.providerId === provider.id);
    try {
      if (!theirs) {
        await provider.rehearse(identifier, password);
        continue;
      }
      const identity = await provider.verify(identifier, password);
      if (identity && deps.resolveExternal) return { user: await deps.resolveExternal(identity) };
    } catch (error) {
      // The others are still asked, so an attempt costs the same however far the outage reaches.
      if (!(error instanceof DomainError && error.code === 'provider_unavailable')) throw error;
      unavailable ??= error;
    }
  }
  return { unavailable };
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
