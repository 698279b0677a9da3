import type { Logger } from 'pino';
import {
  type DeliveryReport,
  deliverOutbox,
  type MailTransport,
  type OutboxQueue,
} from '../domain/mail/deliver-outbox.js';
import type { Clock } from '../domain/shared/clock.js';
import type { Job } from './scheduler.js';

/**
 * Delivers due outbox emails in bounded batches until none is due (or `maxBatches` ran). `intake` first
 * writes the emails of requests recorded for it (password resets), so they go out in the same run.
 */
export function outboxJob(deps: {
  queue: OutboxQueue;
  transport: MailTransport;
  clock: Clock;
  logger: Logger;
  schedule: string;
  batchSize: number;
  maxAttempts: number;
  maxBatches?: number;
  intake?: (limit: number) => Promise<number>;
}): Job & { runOnce(stopping?: AbortSignal): Promise<DeliveryReport> } {
  const runOnce = async (stopping?: AbortSignal): Promise<DeliveryReport> => {
    const total = { sent: 0, retried: 0, dead: 0 };
    if (deps.intake) {
      for (let i = 0; i < (deps.maxBatches ?? 20); i++) {
        if (i > 0 && stopping?.aborted) break;
        if ((await deps.intake(deps.batchSize)) < deps.batchSize) break;
      }
    }
    for (let i = 0; i < (deps.maxBatches ?? 20); i++) {
      // On shutdown the batch in hand is finished and settled; the rest waits for the next start.
      if (i > 0 && stopping?.aborted) break;
      const report = await deliverOutbox(deps, { batchSize: deps.batchSize, maxAttempts: deps.maxAttempts });
      total.sent += report.sent;
      total.retried += report.retried;
      total.dead += report.dead;
      if (report.sent + report.retried + report.dead < deps.batchSize) break;
    }
    if (total.sent + total.retried + total.dead > 0)
      deps.logger.info({ job: 'outbox', ...total }, 'outbox delivered');
    if (total.dead > 0)
      deps.logger.warn({ job: 'outbox', dead: total.dead }, 'emails gave up after the last attempt');
    return total;
  };
  return {
    name: 'outbox',
    schedule: deps.schedule,
    run: async (stopping) => {
      await runOnce(stopping);
    },
    runOnce,
  };
}
