import type { Preferences } from '../accounts/user.js';
import type { Outbox, OutgoingEmail } from '../mail/email.js';
import type { Clock } from '../shared/clock.js';
import type { Transact } from '../shared/transaction.js';
import type { Catalog } from './catalog.js';
import { formatWhen } from './date-format.js';
import {
  assembleDigest,
  type DigestContent,
  digestSummary,
  type PendingDigestItem,
} from './digest-assembly.js';
import { type DigestIntent, intentKey, periodKey, scheduleNext } from './digest-schedule.js';
import { type Signer, signUnsubscribeToken } from './unsubscribe-token.js';

/** Who a digest goes to, with the intent in force for them. */
export interface DigestRecipient {
  readonly id: string;
  readonly email: string;
  /** First name, else username. */
  readonly name: string;
  readonly disabled: boolean;
  readonly preferences: Preferences;
  readonly intent: DigestIntent;
  /** Period key of the last digest sent to them. */
  readonly lastPeriod: string | null;
}

/** One user's digest data, read and written inside the run's transaction. */
export interface DigestRunStore {
  /**
   * Locks the schedule rows of `userIds` this worker still holds the lease of, extends those leases,
   * and returns each one's due instant. A user missing from the answer lost their lease (it expired
   * and another worker took it) or has no schedule any more.
   */
  lockLeased(userIds: readonly string[]): Promise<ReadonlyMap<string, { nextRunAt: number | null }>>;
  recipient(userId: string): Promise<DigestRecipient | null>;
  /** The recipients among `userIds`, by id (a group's in one query). */
  recipients(userIds: readonly string[]): Promise<ReadonlyMap<string, DigestRecipient>>;
  /** Records the digest of a period; false when that period's digest was already sent. */
  recordRun(userId: string, periodKey: string, items: number, now: Date): Promise<boolean>;
  /** Pending items created up to `cutoff`, with whether each was read in the inbox. */
  pendingItems(userId: string, cutoff: Date): Promise<PendingDigestItem[]>;
  /** The pending items of each of `userIds` (a group's in one query). */
  pendingItemsOf(userIds: readonly string[], cutoff: Date): Promise<ReadonlyMap<string, PendingDigestItem[]>>;
  markDigested(ids: readonly string[], now: Date): Promise<void>;
  /** Saves the next run and releases the lease. */
  finish(
    userId: string,
    next: { intent: string; nextRunAt: Date | null; lastPeriod: string | null; ranAt: Date },
  ): Promise<void>;
  /** Runs `work` under a savepoint: when it throws, its writes alone are undone and the transaction goes on. */
  isolated<T>(work: () => Promise<T>): Promise<T>;
}

/** Schedules as the job sees them, outside any transaction. */
export interface DigestScheduling {
  /**
   * Leases, from `now` on, up to `limit` users whose digest is due by `dueBy` (default `now`; later to
   * simulate a run at another instant); their ids.
   */
  claimDue(now: Date, limit: number, dueBy?: Date): Promise<string[]>;
  /** Leases one user's schedule whether or not it is due (CLI `--user`); false when another holds it. */
  claimUser(userId: string, now: Date): Promise<boolean>;
  /**
   * Users with pending digest items whose schedule is missing, or was computed from an intent that is
   * no longer theirs (settings, time zone or workspace default changed).
   */
  staleSchedules(
    limit: number,
  ): Promise<{ userId: string; intent: DigestIntent; lastPeriod: string | null }[]>;
  /** The intent in force for one user, or null when there is no such user. */
  scheduleInput(userId: string): Promise<{ intent: DigestIntent; lastPeriod: string | null } | null>;
  /** The schedule as stored: the intent key it was computed from and its next run. */
  storedSchedule(userId: string): Promise<{ intent: string; nextRunAt: Date | null } | null>;
  /** Creates or updates a schedule, leaving any lease alone. */
  saveSchedule(userId: string, intent: string, nextRunAt: Date | null, now: Date): Promise<void>;
}

export interface DigestDeps {
  readonly transact: Transact<{ digests: DigestRunStore; outbox: Outbox }>;
  readonly catalog: Catalog;
  readonly signer: () => Promise<Signer>;
  /** The real time: when the email goes out, leases, and the records' timestamps. */
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly listIdDomain: string;
  /** Items listed before "and N more". */
  readonly limit: number;
  /**
   * Users whose digests share one transaction, each under its own savepoint (default 1). Grouping
   * spares a commit per user, which on SQLite is most of the cost; a failing user is undone alone.
   */
  readonly groupSize?: number;
}

export type DigestOutcome = 'sent' | 'empty' | 'off' | 'disabled' | 'already-sent' | 'lease-lost';

/**
 * Runs the digests of several leased users in one transaction, each user's steps under a savepoint.
 * Per user: records the period under its unique key, takes the pending items up to `asOf`, leaves out
 * those read in the inbox, writes the email to the outbox, marks the items digested and advances the
 * schedule; nothing unread: no email, the schedule still advances. Every user's digest is
 * all-or-nothing; one user's failure (returned as its Error) leaves the others to commit, and a crash
 * rolls the whole group back for another worker to redo once the leases expire. `asOf` (default: now)
 * is the instant the run acts for, which decides the items, the period and the next slot; the email is
 * queued to go out now whatever it is, and its relative dates are relative to now, when it is read.
 */
export async function runDigestGroup(
  deps: DigestDeps,
  userIds: readonly string[],
  asOf?: Date,
): Promise<(DigestOutcome | Error)[]> {
  const now = deps.clock();
  const at = asOf ?? now;
  const signer = await deps.signer();
  return deps.transact(async ({ digests, outbox }) => {
    // A write first: it takes the row locks (PostgreSQL) or the write lock (SQLite) before anything is
    // read, so nobody else can change these users' digests under us. Then the group's reads, in two queries.
    const leased = await digests.lockLeased(userIds);
    const recipients = await digests.recipients(userIds);
    const items = await digests.pendingItemsOf(userIds, at);
    const tx = { digests, outbox, signer, now, asOf: at, leased, recipients, items };
    if (userIds.length === 1) return [await userDigest(deps, tx, userIds[0]!)];
    const outcomes: (DigestOutcome | Error)[] = [];
    for (const userId of userIds) {
      try {
        outcomes.push(await digests.isolated(() => userDigest(deps, tx, userId)));
      } catch (error) {
        outcomes.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return outcomes;
  });
}

async function userDigest(
  deps: DigestDeps,
  tx: {
    digests: DigestRunStore;
    outbox: Outbox;
    signer: Signer;
    /** The real time. */
    now: Date;
    /** The instant the run acts for. */
    asOf: Date;
    leased: ReadonlyMap<string, { nextRunAt: number | null }>;
    recipients: ReadonlyMap<string, DigestRecipient>;
    items: ReadonlyMap<string, PendingDigestItem[]>;
  },
  userId: string,
): Promise<DigestOutcome> {
  const { digests, outbox, now, asOf } = tx;
  const leased = tx.leased.get(userId);
  if (!leased) return 'lease-lost';
  const recipient = tx.recipients.get(userId);
  if (!recipient) return 'lease-lost';
  const { intent } = recipient;
  const finish = (lastPeriod: string | null, sent = false) =>
    digests.finish(userId, {
      intent: intentKey(intent),
      nextRunAt: scheduleNext(intent, asOf, lastPeriod, sent ? asOf : null),
      lastPeriod,
      ranAt: now,
    });
  if (intent.frequency === 'off' || recipient.disabled) {
    await finish(recipient.lastPeriod);
    return intent.frequency === 'off' ? 'off' : 'disabled';
  }
  const items = tx.items.get(userId) ?? [];
  const content = assembleDigest(items, {
    limit: deps.limit,
    typeLabel: (type) => deps.catalog.get(type)?.label ?? type,
    formatTime: (ms) => formatWhen(new Date(ms), now, recipient.preferences),
  });
  if (content.total === 0) {
    // Read items need no digest; they leave the queue so they are never counted again.
    if (items.length > 0)
      await digests.markDigested(
        items.map((i) => i.id),
        now,
      );
    await finish(recipient.lastPeriod);
    return 'empty';
  }
  const slot = new Date(leased.nextRunAt ?? asOf.getTime());
  const period = periodKey(intent, slot, asOf);
  if (!(await digests.recordRun(userId, period, content.total, now))) {
    await finish(recipient.lastPeriod);
    return 'already-sent';
  }
  await outbox.enqueue(digestEmail(deps, recipient, content, tx.signer));
  await digests.markDigested(
    items.map((i) => i.id),
    now,
  );
  await finish(period, true);
  return 'sent';
}

/** The digest email of `content` for `recipient`, with one-click unsubscribe from the digest stream. */
function digestEmail(
  deps: Pick<DigestDeps, 'publicUrl' | 'listIdDomain'>,
  recipient: DigestRecipient,
  content: DigestContent,
  signer: Signer,
): OutgoingEmail {
  const token = signUnsubscribeToken(signer, recipient.id, { kind: 'digest' });
  const unsubscribeUrl = `${deps.publicUrl}/unsubscribe?token=${token}`;
  return {
    template: 'digest',
    to: recipient.email,
    headers: {
      'List-Id': `"Concierge digest" <digest.notifications.${deps.listIdDomain}>`,
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    data: {
      frequency: recipient.intent.frequency === 'weekly' ? 'weekly' : 'daily',
      name: recipient.name,
      summary: digestSummary(content),
      content,
      inboxUrl: `${deps.publicUrl}/inbox`,
      settingsUrl: `${deps.publicUrl}/account/notifications`,
      unsubscribeUrl,
    },
  };
}
