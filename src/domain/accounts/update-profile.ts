import { assertCurrentPassword, type PasswordDeps } from '../auth/change-password.js';
import type { CredentialCapabilities } from '../auth/credential-policy.js';
import type { Outbox } from '../mail/email.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, type FieldIssue } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import {
  type AccountStore,
  type AccountTokenStore,
  reserveLinkToken,
  TOKEN_PURPOSE,
} from './account-ports.js';
import { mergePreferences } from './preferences.js';
import { assertNoIssues, cleanName, emailProblem, nameProblem } from './profile-rules.js';
import { identityKey, type User } from './user.js';

export const EMAIL_VERIFY_VALID_MS = 24 * 60 * 60 * 1000;

export interface ProfilePatch {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  /** Required with a new email when the account has a local password. */
  readonly currentPassword?: string;
  readonly preferences?: { fuzzyDates?: boolean; timeZone?: string; locale?: string };
}

export interface ProfileDeps extends Pick<PasswordDeps, 'hasher' | 'throttle' | 'accountRule'> {
  readonly accounts: Pick<AccountStore, 'findById' | 'passwordHash' | 'findBySignInName'>;
  readonly clock: Clock;
  readonly capabilities: (user: User) => CredentialCapabilities;
  readonly transact: Transact<{
    accounts: Pick<AccountStore, 'update'>;
    accountTokens: AccountTokenStore;
    outbox: Outbox;
  }>;
  readonly publicUrl: string;
}

const managed = (what: string, c: CredentialCapabilities) =>
  new DomainError(
    'field_managed_externally',
    `Your ${what} comes from ${c.providerName} and cannot be changed here. Contact ${c.contact}.`,
  );

/**
 * Updates the signed-in user's names and preferences at once, and starts an email change: the new
 * address takes effect only through the link sent to it (24 hours). Preferences are always writable.
 * Returns the user and the address waiting for verification, if any.
 */
export async function updateProfile(
  deps: ProfileDeps,
  userId: string,
  patch: ProfilePatch,
  via: 'session' | 'api-key',
): Promise<User> {
  const user = await deps.accounts.findById(userId);
  if (!user) throw new DomainError('unauthenticated', 'Sign in to continue.');
  const capabilities = deps.capabilities(user);
  const issues: FieldIssue[] = [];
  const changes: { firstName?: string; lastName?: string } = {};
  for (const field of ['firstName', 'lastName'] as const) {
    const value = patch[field];
    if (value === undefined) continue;
    const clean = cleanName(value);
    if (clean === user[field]) continue;
    if (!capabilities.editName) throw managed('name', capabilities);
    const problem = nameProblem(clean);
    if (problem) issues.push({ field, message: problem });
    changes[field] = clean;
  }
  const preferences = patch.preferences
    ? mergePreferences(user.preferences, patch.preferences, issues)
    : undefined;
  const newEmail = patch.email?.normalize('NFC').trim();
  const emailChanges = newEmail !== undefined && identityKey(newEmail) !== identityKey(user.email);
  if (emailChanges) {
    if (!capabilities.editEmail) throw managed('email address', capabilities);
    const problem = emailProblem(newEmail);
    if (problem) issues.push({ field: 'email', message: problem });
  }
  assertNoIssues(issues);
  if (emailChanges) {
    if (via !== 'session') {
      throw new DomainError('forbidden', 'An API key cannot change the email address. Use the account page.');
    }
    if ((await deps.accounts.passwordHash(user.id)) !== null) {
      if (!patch.currentPassword) {
        throw new DomainError(
          'validation_failed',
          'Enter your current password to change your email address.',
          {
            issues: [{ field: 'currentPassword', message: 'is required to change the email address' }],
          },
        );
      }
      await assertCurrentPassword(deps, user, patch.currentPassword);
    }
    // Usernames hold no "@", so a match is another account's email: do not mail its owner a link.
    const holder = await deps.accounts.findBySignInName(newEmail);
    if (holder && holder.id !== user.id) {
      throw new DomainError('email_taken', 'Another account already uses this email address.');
    }
  }
  const now = deps.clock();
  return deps.transact(async ({ accounts, accountTokens, outbox }) => {
    const updated = await accounts.update(
      user.id,
      { ...changes, ...(preferences ? { preferences } : {}) },
      now,
    );
    if (emailChanges) {
      const link = await reserveLinkToken(
        accountTokens,
        {
          purpose: TOKEN_PURPOSE.emailVerify,
          userId: user.id,
          data: JSON.stringify({ email: newEmail }),
          validMs: EMAIL_VERIFY_VALID_MS,
          replaces: true,
          // The preferences saved with this change, if any: the person may set their zone and address together.
          preferences: updated.preferences,
        },
        now,
      );
      await outbox.enqueue({
        template: 'email-verify',
        to: newEmail,
        data: {
          username: user.username,
          newEmail,
          // The token and the expiry are filled in when the email is sent (email-links.ts).
          verifyUrl: `${deps.publicUrl}/verify-email?token=`,
          validHours: EMAIL_VERIFY_VALID_MS / 3_600_000,
          validUntil: '',
        },
        link,
      });
    }
    return updated;
  });
}

/** The user and the address waiting for verification, if an email change is under way. */
export async function userWithPendingEmail(
  deps: { accounts: Pick<AccountStore, 'findWithOpenToken'>; clock: Clock },
  userId: string,
): Promise<{ user: User; pendingEmail: string | null } | null> {
  const found = await deps.accounts.findWithOpenToken(userId, TOKEN_PURPOSE.emailVerify, deps.clock());
  if (!found) return null;
  const pendingEmail = found.tokenData ? (JSON.parse(found.tokenData) as { email: string }).email : null;
  return { user: found.user, pendingEmail };
}
