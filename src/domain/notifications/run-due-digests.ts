import type { Clock } from '../shared/clock.js';
import { intentKey, scheduleNext } from './digest-schedule.js';
import { type DigestDeps, type DigestOutcome, type DigestScheduling, runDigestGroup } from './run-digests.js';

/** Recomputes one user's next digest from their current intent, from `asOf` (default now). */
export async function rescheduleDigest(
  deps: { scheduling: DigestScheduling; clock: Clock },
  userId: string,
  asOf?: Date,
): Promise<Date | null> {
  const input = await deps.scheduling.scheduleInput(userId);
  if (!input) return null;
  const now = deps.clock();
  const next = scheduleNext(input.intent, asOf ?? now, input.lastPeriod);
  await deps.scheduling.saveSchedule(userId, intentKey(input.intent), next, now);
  return next;
}

/** Creates or recomputes the schedules of users whose intent changed or who had none; how many. */
export async function syncSchedules(
  deps: { scheduling: DigestScheduling; clock: Clock },
  batch = 500,
  maxBatches = 50,
): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const stale = await deps.scheduling.staleSchedules(batch);
    const now = deps.clock();
    for (const { userId, intent, lastPeriod } of stale) {
      await deps.scheduling.saveSchedule(
        userId,
        intentKey(intent),
        scheduleNext(intent, now, lastPeriod),
        now,
      );
    }
    total += stale.length;
    if (stale.length < batch) break;
  }
  return total;
}

export interface DigestReport {
  readonly sent: number;
  /** Ran with nothing unread: no email, schedule advanced. */
  readonly empty: number;
  /** Off, disabled, already sent for the period, or the lease was lost. */
  readonly skipped: number;
  readonly failed: number;
  /** Schedules created or recomputed first. */
  readonly scheduled: number;
}

/**
 * One run of the digest job (and of `concierge digest run`): brings schedules up to date, then leases
 * due users in bounded batches and runs each one's digest. With `userId`, runs only that user's digest,
 * due or not. A user whose run fails keeps its lease until it expires, then is retried. With `asOf`
 * (`--now`), the run acts as if it were that instant: it decides who is due, the items, the period and
 * the next slots; the emails are still queued to go out now, and leases are taken on the real clock.
 * With `userId` and `asOf`, that user's slot is recomputed from `asOf`, so the digest covers its day.
 */
export async function runDueDigests(
  deps: DigestDeps & { scheduling: DigestScheduling },
  options: {
    batchSize: number;
    maxBatches: number;
    userId?: string;
    asOf?: Date;
    onError?: (userId: string, error: unknown) => void;
  },
): Promise<DigestReport> {
  const counts = { sent: 0, empty: 0, skipped: 0, failed: 0, scheduled: 0 };
  const count = (userId: string, outcome: DigestOutcome | Error) => {
    if (outcome instanceof Error) {
      counts.failed++;
      options.onError?.(userId, outcome);
    } else if (outcome === 'sent') counts.sent++;
    else if (outcome === 'empty') counts.empty++;
    else counts.skipped++;
  };
  const runGroup = async (userIds: readonly string[]) => {
    let outcomes: (DigestOutcome | Error)[];
    try {
      outcomes = await runDigestGroup(deps, userIds, options.asOf);
    } catch (error) {
      // The transaction itself failed (e.g. the database went away): nobody in the group was served.
      outcomes = userIds.map(() => (error instanceof Error ? error : new Error(String(error))));
    }
    for (const [i, userId] of userIds.entries()) count(userId, outcomes[i]!);
  };
  const groupSize = Math.max(1, deps.groupSize ?? 1);
  if (options.userId !== undefined) {
    // The schedule row must exist (and be current) before it can be leased.
    if (!(await deps.scheduling.scheduleInput(options.userId))) return counts;
    await rescheduleDigest(deps, options.userId, options.asOf);
    counts.scheduled = 1;
    if (await deps.scheduling.claimUser(options.userId, deps.clock())) await runGroup([options.userId]);
    else counts.skipped++;
    return counts;
  }
  // On the real clock even with `asOf`: the job would have made these schedules when the intent
  // changed, so a run as of tomorrow 08:00 finds tomorrow's 08:00 slot due, as the job will.
  counts.scheduled = await syncSchedules(deps);
  for (let i = 0; i < options.maxBatches; i++) {
    const now = deps.clock();
    const due = await deps.scheduling.claimDue(now, options.batchSize, options.asOf ?? now);
    for (let g = 0; g < due.length; g += groupSize) await runGroup(due.slice(g, g + groupSize));
    if (due.length < options.batchSize) break;
  }
  return counts;
}
