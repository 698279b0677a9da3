import type { Clock } from '../domain/shared/clock.js';
import type { Job } from './scheduler.js';

type DeleteBatch = (now: Date, limit: number) => Promise<Record<string, number>>;

/**
 * Every ten minutes, deletes expired sessions, old one-time tokens and old sent emails in batches of
 * `batchSize` per table until a batch comes back short, or the service is stopping.
 */
export function expiredRowsJob(deleteBatch: DeleteBatch, clock: Clock, batchSize = 1000): Job {
  return {
    name: 'expired-rows',
    schedule: '0 */10 * * * *',
    async run(stopping) {
      for (;;) {
        const deleted = await deleteBatch(clock(), batchSize);
        if (stopping?.aborted || Object.values(deleted).every((n) => n < batchSize)) return;
      }
    },
  };
}
