import type { Clock } from '../domain/shared/clock.js';
import type { Job } from './scheduler.js';

type DeleteBatch = (now: Date, limit: number) => Promise<Record<string, number>>;

/**
 * On `schedule` (config `cleanup.schedule`, every ten minutes by default), deletes rows nothing needs any
 * more (see deleteExpiredRows) in batches of `batchSize` per table until every batch comes back short,
 * or the service is stopping.
 */
export function expiredRowsJob(
  deleteBatch: DeleteBatch,
  clock: Clock,
  options: { readonly schedule: string; readonly batchSize?: number },
): Job {
  const batchSize = options.batchSize ?? 1000;
  return {
    name: 'expired-rows',
    schedule: options.schedule,
    async run(stopping) {
      for (;;) {
        const deleted = await deleteBatch(clock(), batchSize);
        if (stopping?.aborted || Object.values(deleted).every((n) => n < batchSize)) return;
      }
    },
  };
}
