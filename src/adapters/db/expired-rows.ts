import type { Executor } from './database.js';

const DAY = 24 * 60 * 60 * 1000;
// A link opened a few days after it expired still finds its row and says "expired" rather than "unknown".
export const TOKEN_GRACE_MS = 7 * DAY;
// Sent emails stay a month for an operator asking "did it go out?"; dead ones three months after their
// last attempt, long enough to notice and look (they hold links and personal data, so not for ever).
export const SENT_EMAIL_RETENTION_MS = 30 * DAY;
export const DEAD_EMAIL_RETENTION_MS = 90 * DAY;
// A digest covers at most a week; items a month old were digested long ago, or belong to someone whose
// digest is off (routing still files them, so turning it back on does not bring months of old news).
export const DIGEST_ITEM_RETENTION_MS = 30 * DAY;
// A password-reset request is handled within seconds; one still there after a day failed every time it
// was claimed (each failure is logged) and the person has long asked again or given up.
export const RESET_REQUEST_RETENTION_MS = DAY;

export type Deleted = {
  readonly sessions: number;
  readonly tokens: number;
  readonly sentEmails: number;
  readonly deadEmails: number;
  readonly digestItems: number;
  readonly resetRequests: number;
};

/**
 * Deletes at most `limit` rows of each kind that nothing needs any more: sessions past their expiry,
 * one-time tokens (password reset, email change, setup, single sign-on attempts) a week past theirs,
 * emails sent over a month ago, dead emails three months after their last attempt, digest items
 * over a month old, and password-reset requests a day old (handling them kept failing). One bounded statement per kind, so the single SQLite writer is never held long;
 * idempotent, so every replica may run it.
 */
export async function deleteExpiredRows(db: Executor, now: Date, limit: number): Promise<Deleted> {
  const t = now.getTime();
  const sessions = await db
    .deleteFrom('sessions')
    .where('id', 'in', (eb) =>
      eb.selectFrom('sessions').select('id').where('expires_at', '<=', t).limit(limit),
    )
    .executeTakeFirst();
  const tokens = await db
    .deleteFrom('one_time_tokens')
    .where('token_hash', 'in', (eb) =>
      eb
        .selectFrom('one_time_tokens')
        .select('token_hash')
        .where('expires_at', '<', t - TOKEN_GRACE_MS)
        .limit(limit),
    )
    .executeTakeFirst();
  const sentEmails = await db
    .deleteFrom('outbox')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'sent')
        .where('sent_at', '<', t - SENT_EMAIL_RETENTION_MS)
        .limit(limit),
    )
    .executeTakeFirst();
  // A dead email keeps the time of its last attempt in next_attempt_at (markFailed leaves it).
  const deadEmails = await db
    .deleteFrom('outbox')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'dead')
        .where('next_attempt_at', '<', t - DEAD_EMAIL_RETENTION_MS)
        .limit(limit),
    )
    .executeTakeFirst();
  const digestItems = await db
    .deleteFrom('notification_digest_items')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('notification_digest_items')
        .select('id')
        .where('created_at', '<', t - DIGEST_ITEM_RETENTION_MS)
        .limit(limit),
    )
    .executeTakeFirst();
  const resetRequests = await db
    .deleteFrom('password_reset_requests')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('password_reset_requests')
        .select('id')
        .where('requested_at', '<', t - RESET_REQUEST_RETENTION_MS)
        .limit(limit),
    )
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    tokens: Number(tokens.numDeletedRows),
    sentEmails: Number(sentEmails.numDeletedRows),
    deadEmails: Number(deadEmails.numDeletedRows),
    digestItems: Number(digestItems.numDeletedRows),
    resetRequests: Number(resetRequests.numDeletedRows),
  };
}
