import type { SessionStore } from '../auth/sessions.js';
import type { Outbox } from '../mail/email.js';
import { formatExactWithZone } from '../notifications/date-format.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { hashToken } from '../shared/tokens.js';
import type { Transact } from '../shared/transaction.js';
import {
  type AccountStore,
  type AccountTokenStore,
  reserveLinkToken,
  TOKEN_PURPOSE,
} from './account-ports.js';
import type { User } from './user.js';

export const EMAIL_UNDO_VALID_MS = 7 * 24 * 60 * 60 * 1000;

export interface EmailChangeDeps {
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly transact: Transact<{
    accounts: Pick<AccountStore, 'findById' | 'update'>;
    accountTokens: AccountTokenStore;
    sessions: Pick<SessionStore, 'deleteAllForUser'>;
    outbox: Outbox;
  }>;
}

const invalid = (what: string) =>
  new DomainError('token_invalid', `This ${what} link is invalid, was already used or has expired.`);

/**
 * Makes a requested email change take effect with the link sent to the new address. The old address
 * is told, with a link that undoes the change for 7 days.
 */
export async function verifyEmailChange(deps: EmailChangeDeps, token: string): Promise<User> {
  const now = deps.clock();
  return deps.transact(async ({ accounts, accountTokens, outbox }) => {
    const found = await accountTokens.consume(hashToken(token), TOKEN_PURPOSE.emailVerify, now);
    const user = found?.userId ? await accounts.findById(found.userId) : null;
    if (!found?.data || !user || user.disabled) throw invalid('verification');
    const { email } = JSON.parse(found.data) as { email: string };
    const oldEmail = user.email;
    const updated = await accounts.update(user.id, { email }, now);
    const link = await reserveLinkToken(
      accountTokens,
      {
        purpose: TOKEN_PURPOSE.emailUndo,
        userId: user.id,
        data: JSON.stringify({ email: oldEmail }),
        validMs: EMAIL_UNDO_VALID_MS,
        replaces: false,
        preferences: updated.preferences,
      },
      now,
    );
    await outbox.enqueue({
      template: 'email-changed',
      to: oldEmail,
      data: {
        username: user.username,
        newEmail: email,
        when: formatExactWithZone(now, updated.preferences),
        // The token and the expiry are filled in when the email is sent (email-links.ts).
        undoUrl: `${deps.publicUrl}/undo-email-change?token=`,
        validDays: EMAIL_UNDO_VALID_MS / 86_400_000,
        validUntil: '',
      },
      link,
    });
    return updated;
  });
}

/**
 * Puts the previous address back with the link sent to it. Whoever changed it may hold a session, so
 * every session ends; pending email changes are cancelled.
 */
export async function undoEmailChange(deps: EmailChangeDeps, token: string): Promise<User> {
  const now = deps.clock();
  return deps.transact(async ({ accounts, accountTokens, sessions }) => {
    const found = await accountTokens.consume(hashToken(token), TOKEN_PURPOSE.emailUndo, now);
    const user = found?.userId ? await accounts.findById(found.userId) : null;
    if (!found?.data || !user) throw invalid('undo');
    const { email } = JSON.parse(found.data) as { email: string };
    const updated = await accounts.update(user.id, { email }, now);
    await accountTokens.revokeAll(user.id, TOKEN_PURPOSE.emailVerify, now);
    await sessions.deleteAllForUser(user.id);
    return updated;
  });
}
