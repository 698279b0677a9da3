import type { AccountStore } from '../accounts/account-ports.js';
import type { User } from '../accounts/user.js';
import type { Outbox } from '../mail/email.js';
import { formatExactWithZone } from '../notifications/date-format.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import type { CredentialCapabilities } from './credential-policy.js';
import { changeInDirectory } from './directory-password.js';
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

export interface PasswordDeps {
  readonly accounts: Pick<AccountStore, 'findById' | 'passwordHash'>;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly clock: Clock;
  readonly capabilities: (user: User) => CredentialCapabilities;
  readonly throttle: ThrottleStore;
  readonly accountRule: ThrottleRule;
  readonly transact: Transact<{
    accounts: Pick<AccountStore, 'setPasswordHash'>;
    sessions: Pick<SessionStore, 'deleteAllForUser'>;
    outbox: Outbox;
  }>;
  readonly publicUrl: string;
  /** For a `passwords: directory` user, the change made in the directory (RFC 3062); null otherwise. */
  readonly directoryPassword?: (user: User) => ((current: string, next: string) => Promise<void>) | null;
}

/** 409 naming who manages the password, for accounts of another provider. */
export function externallyManaged(capabilities: CredentialCapabilities): DomainError {
  return new DomainError(
    'password_managed_externally',
    `Your password is managed by ${capabilities.providerName}, not by Concierge. To change it, contact ${capabilities.contact}.`,
  );
}

/** Throws `password_mismatch` unless both entries of the new password are the same. */
export function assertConfirmed(newPassword: string, confirmPassword: string): void {
  if (newPassword !== confirmPassword) {
    throw new DomainError(
      'password_mismatch',
      'The two new passwords are not the same. Type it again twice.',
      {
        issues: [{ field: 'confirmPassword', message: 'does not match newPassword' }],
      },
    );
  }
}

/**
 * Changes the signed-in user's password: the current one must be right (wrong guesses count towards
 * the account's sign-in lock), the new one must meet the policy. Every other session ends and a notice
 * that cannot be switched off is emailed.
 */
export async function changePassword(
  deps: PasswordDeps,
  input: {
    userId: string;
    keepSessionId: string | undefined;
    currentPassword: string;
    newPassword: string;
    confirmPassword: string;
  },
): Promise<void> {
  const user = await deps.accounts.findById(input.userId);
  if (!user) throw new DomainError('unauthenticated', 'Sign in to continue.');
  const capabilities = deps.capabilities(user);
  if (!capabilities.changePassword) throw externallyManaged(capabilities);
  assertConfirmed(input.newPassword, input.confirmPassword);
  const inDirectory = deps.directoryPassword?.(user) ?? null;
  let hash: string | null = null;
  if (inDirectory) {
    // The directory checks the current password and applies its own policy; Concierge stores nothing.
    await changeInDirectory(deps, user, () => inDirectory(input.currentPassword, input.newPassword));
  } else {
    await assertCurrentPassword(deps, user, input.currentPassword);
    assertPasswordAllowed(
      input.newPassword,
      deps.policy,
      { username: user.username, email: user.email, names: [user.firstName, user.lastName] },
      'newPassword',
    );
    hash = await deps.hasher.hash(input.newPassword);
  }
  const now = deps.clock();
  await deps.transact(async ({ accounts, sessions, outbox }) => {
    if (hash !== null) await accounts.setPasswordHash(user.id, hash, now);
    await sessions.deleteAllForUser(user.id, input.keepSessionId);
    await outbox.enqueue({
      template: 'password-changed',
      to: user.email,
      data: {
        username: user.username,
        when: formatExactWithZone(now, user.preferences),
        how: 'changed',
        forgotUrl: `${deps.publicUrl}/forgot-password`,
      },
    });
  });
}

/**
 * Checks the signed-in user's current password (password and email changes). A wrong one answers
 * `current_password_incorrect` and counts as a failed sign-in, so a stolen session cannot guess it.
 */
export async function assertCurrentPassword(
  deps: Pick<PasswordDeps, 'accounts' | 'hasher' | 'clock' | 'throttle' | 'accountRule'>,
  user: User,
  password: string,
): Promise<void> {
  const key = throttleKeys.signInAccount(user.id);
  const now = deps.clock();
  await assertNotLocked(
    deps.throttle,
    key,
    now,
    (wait) => `Too many wrong passwords for this account. Wait ${wait} and try again.`,
  );
  const hash = await deps.accounts.passwordHash(user.id);
  const ok = hash !== null && (await deps.hasher.verify(hash, password));
  if (ok) return;
  await recordAttempt(deps.throttle, key, deps.accountRule, now);
  throw new DomainError('current_password_incorrect', 'Your current password is wrong. Type it again.', {
    issues: [{ field: 'currentPassword', message: 'is not your current password' }],
  });
}
