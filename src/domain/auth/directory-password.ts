import type { User } from '../accounts/user.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, hasCode } from '../shared/errors.js';
import type { ExternalAccountKey } from './external-sign-in.js';
import {
  assertNotLocked,
  recordAttempt,
  type ThrottleRule,
  type ThrottleStore,
  throttleKeys,
} from './throttle.js';

/**
 * A directory that lets a user change their own password (LDAP with RFC 3062), bound as that user.
 * Throws `current_password_incorrect`, `password_policy` (refused by the directory's
 * policy) or `provider_unavailable`.
 */
export interface DirectoryPasswords {
  changePassword(subject: string, currentPassword: string, newPassword: string): Promise<void>;
}

/** Changes the password of a directory user in the directory itself; Concierge stores nothing. */
export async function changeDirectoryPassword(
  deps: {
    directory: DirectoryPasswords;
    identities: { findForUser(userId: string, providerId: string): Promise<ExternalAccountKey | null> };
  },
  user: User,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const account = await deps.identities.findForUser(user.id, user.providerId);
  if (!account) {
    throw new DomainError(
      'password_managed_externally',
      'Your account is not linked to a directory entry yet. Sign out and sign in again, then retry.',
    );
  }
  if (input.newPassword.length === 0) {
    throw new DomainError('password_policy', 'Choose a new password.', {
      issues: [{ field: 'newPassword', message: 'is required' }],
    });
  }
  await deps.directory.changePassword(account.subject, input.currentPassword, input.newPassword);
}

/**
 * Runs a directory password change under the same lock as sign-in: a wrong current password counts as
 * a failed sign-in, so a stolen session cannot guess it (the directory may lock the account too).
 */
export async function changeInDirectory(
  deps: { clock: Clock; throttle: ThrottleStore; accountRule: ThrottleRule },
  user: User,
  change: () => Promise<void>,
): Promise<void> {
  const key = throttleKeys.signInAccount(user.id);
  await assertNotLocked(
    deps.throttle,
    key,
    deps.clock(),
    (wait) => `Too many wrong passwords for this account. Wait ${wait} and try again.`,
  );
  try {
    await change();
  } catch (error) {
    if (hasCode(error, 'current_password_incorrect')) {
      await recordAttempt(deps.throttle, key, deps.accountRule, deps.clock());
    }
    throw error;
  }
}
