import type { Logger } from 'pino';
import type { DigestDeps, DigestScheduling } from '../domain/notifications/run-digests.js';
import { type DigestReport, runDueDigests } from '../domain/notifications/run-due-digests.js';
import type { Job } from './scheduler.js';

export interface DigestJobDeps {
  readonly digests: DigestDeps & { scheduling: DigestScheduling };
  readonly logger: Logger;
  /** croner pattern; every minute by default, so a digest leaves within a minute of its time. */
  readonly schedule: string;
  readonly batchSize: number;
  readonly maxBatches: number;
  /** Deletes digest records older than the given instant (they only guard recent periods). */
  readonly pruneRuns: (before: Date) => Promise<number>;
}

// Records of sent digests are kept this long: far longer than any period they guard (a week).
const KEEP_RUNS_MS = 35 * 86_400_000;

/** The digest job: runs due digests every minute; `runOnce` is the same code for the CLI and tests. */
export function digestJob(deps: DigestJobDeps): Job & {
  runOnce(options?: { userId?: string; asOf?: Date }): Promise<DigestReport>;
} {
  const runOnce = async (options: { userId?: string; asOf?: Date } = {}): Promise<DigestReport> => {
    const report = await runDueDigests(deps.digests, {
      batchSize: deps.batchSize,
      maxBatches: deps.maxBatches,
      ...(options.userId === undefined ? {} : { userId: options.userId }),
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
      onError: (userId, error) =>
        deps.logger.error(
          { err: error, job: 'digest', userId },
          'digest failed; retried when its lease expires',
        ),
    });
    if (options.userId === undefined) {
      await deps.pruneRuns(new Date(deps.digests.clock().getTime() - KEEP_RUNS_MS));
    }
    if (report.sent + report.empty + report.failed + report.scheduled > 0) {
      deps.logger.info({ job: 'digest', ...report }, 'digests run');
    }
    return report;
  };
  return {
    name: 'digest',
    schedule: deps.schedule,
    run: async () => {
      await runOnce();
    },
    runOnce,
  };
}
