import {
  type AccountStore,
  type AccountTokenStore,
  reserveLinkToken,
  TOKEN_PURPOSE,
} from '../accounts/account-ports.js';
import { identityKey, type User } from '../accounts/user.js';
import type { Outbox } from '../mail/email.js';
import { formatExactWithZone } from '../notifications/date-format.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { hashToken } from '../shared/tokens.js';
import type { Transact } from '../shared/transaction.js';
import { assertConfirmed } from './change-password.js';
import type { CredentialCapabilities } from './credential-policy.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertPasswordAllowed, type PasswordPolicy } from './password-policy.js';
import type { SessionStore } from './sessions.js';
import {
  assertNotLocked,
  recordAttempt,
  type ThrottleRule,
  type ThrottleStore,
  throttleKeys,
} from './throttle.js';

export const RESET_VALID_MS = 60 * 60 * 1000;
export const INVITATION_VALID_MS = 7 * 24 * 60 * 60 * 1000;

type ResetStores = {
  accounts: Pick<AccountStore, 'setPasswordHash'>;
  accountTokens: AccountTokenStore;
  sessions: Pick<SessionStore, 'deleteAllForUser'>;
  outbox: Outbox;
};

export interface ResetDeps {
  readonly accounts: Pick<AccountStore, 'findBySignInName' | 'findById'>;
  readonly tokens: Pick<AccountTokenStore, 'peek'>;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly clock: Clock;
  readonly capabilities: (user: User) => CredentialCapabilities;
  readonly throttle: ThrottleStore;
  readonly rules: { readonly account: ThrottleRule; readonly ip: ThrottleRule };
  readonly transact: Transact<ResetStores>;
  readonly publicUrl: string;
}

/**
 * Handles "Forgot your password?". The caller always answers the same 202: a local account gets a
 * single-use link (1 hour, replacing earlier ones), an account managed elsewhere an email naming who
 * manages its password, an unknown or disabled one nothing. Too many requests from one address → 429;
 * beyond the per-account limit requests are dropped silently, so the answer never tells.
 */
export async function requestPasswordReset(
  deps: ResetDeps,
  input: { identifier: string; ip: string | null },
): Promise<void> {
  const now = deps.clock();
  if (input.ip !== null) {
    const key = throttleKeys.resetIp(input.ip);
    await assertNotLocked(
      deps.throttle,
      key,
      now,
      (wait) => `Too many password-reset requests from your network. Wait ${wait} and try again.`,
    );
    await recordAttempt(deps.throttle, key, deps.rules.ip, now);
  }
  const identifier = input.identifier.normalize('NFC').trim();
  const user = await deps.accounts.findBySignInName(identifier);
  const accountKey = throttleKeys.resetAccount(user ? user.id : `name:${identityKey(identifier)}`);
  if ((await deps.throttle.lockedUntil(accountKey, now)) !== null) return;
  await recordAttempt(deps.throttle, accountKey, deps.rules.account, now);
  if (!user || user.disabled) return;
  const capabilities = deps.capabilities(user);
  if (!capabilities.resetPassword) {
    await deps.transact(({ outbox }) =>
      outbox.enqueue({
        template: 'password-help',
        to: user.email,
        data: {
          username: user.username,
          providerName: capabilities.providerName,
          contact: capabilities.contact,
        },
      }),
    );
    return;
  }
  await sendPasswordLink(deps, user, 'reset', null);
}

/**
 * Emails a single-use link to set a password: a reset link (1 hour) or an invitation (7 days). Earlier
 * open links of the user stop working.
 */
export async function sendPasswordLink(
  deps: Pick<ResetDeps, 'clock' | 'transact' | 'publicUrl'>,
  user: User,
  kind: 'reset' | 'invitation',
  invitedBy: string | null,
): Promise<void> {
  await deps.transact((stores) => writePasswordLink(stores, deps, user, kind, invitedBy));
}

/** sendPasswordLink inside the caller's transaction. */
export async function writePasswordLink(
  stores: Pick<ResetStores, 'accountTokens' | 'outbox'>,
  deps: Pick<ResetDeps, 'clock' | 'publicUrl'>,
  user: User,
  kind: 'reset' | 'invitation',
  invitedBy: string | null,
): Promise<void> {
  const now = deps.clock();
  const validMs = kind === 'reset' ? RESET_VALID_MS : INVITATION_VALID_MS;
  const link = await reserveLinkToken(
    stores.accountTokens,
    {
      purpose: TOKEN_PURPOSE.passwordReset,
      userId: user.id,
      data: null,
      validMs,
      replaces: true,
      preferences: user.preferences,
    },
    now,
  );
  // The URL without its token, and no expiry yet: both are filled in when the email is sent.
  const url = `${deps.publicUrl}/reset-password?token=`;
  await stores.outbox.enqueue(
    kind === 'reset'
      ? {
          template: 'password-reset',
          to: user.email,
          data: { username: user.username, resetUrl: url, validMinutes: validMs / 60_000, validUntil: '' },
          link,
        }
      : {
          template: 'invitation',
          to: user.email,
          data: {
            username: user.username,
            invitedBy,
            setPasswordUrl: url,
            validDays: validMs / 86_400_000,
            validUntil: '',
          },
          link,
        },
  );
}

const invalidLink = () =>
  new DomainError(
    'token_invalid',
    'This password link is invalid, was already used or has expired. Request a new one with "Forgot your password?".',
  );

/**
 * Sets a new password with a reset (or invitation) link; the link works once and every session ends.
 * Returns the user's id.
 */
export async function confirmPasswordReset(
  deps: ResetDeps,
  input: { token: string; newPassword: string; confirmPassword: string },
): Promise<string> {
  const now = deps.clock();
  const tokenHash = hashToken(input.token);
  const found = await deps.tokens.peek(tokenHash, TOKEN_PURPOSE.passwordReset, now);
  const user = found?.userId ? await deps.accounts.findById(found.userId) : null;
  if (!user || user.disabled) throw invalidLink();
  const capabilities = deps.capabilities(user);
  if (!capabilities.resetPassword) throw invalidLink();
  assertConfirmed(input.newPassword, input.confirmPassword);
  // Checked before the link is used up, so a refused password leaves the link working.
  assertPasswordAllowed(
    input.newPassword,
    deps.policy,
    { username: user.username, email: user.email, names: [user.firstName, user.lastName] },
    'newPassword',
  );
  const hash = await deps.hasher.hash(input.newPassword);
  await deps.transact(async ({ accounts, accountTokens, sessions, outbox }) => {
    const consumed = await accountTokens.consume(tokenHash, TOKEN_PURPOSE.passwordReset, now);
    if (!consumed) throw invalidLink();
    await accounts.setPasswordHash(user.id, hash, now);
    await sessions.deleteAllForUser(user.id);
    await outbox.enqueue({
      template: 'password-changed',
      to: user.email,
      data: {
        username: user.username,
        when: formatExactWithZone(now, user.preferences),
        how: 'reset',
        forgotUrl: `${deps.publicUrl}/forgot-password`,
      },
    });
  });
  // A successful reset proves the owner: lift a sign-in lock on the account.
  await deps.throttle.clear(throttleKeys.signInAccount(user.id));
  return user.id;
}
