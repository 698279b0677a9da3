import { Cron } from 'croner';
import type { Logger } from 'pino';

export interface Job {
  readonly name: string;
  /** croner pattern (with seconds when it has six fields) */
  readonly schedule: string;
  run(): Promise<void>;
}

export interface Scheduler {
  /** Stops future runs and waits for the runs in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs each job on its schedule, never two runs of one job at once (croner's `protect`). Every replica
 * runs its own scheduler: jobs claim their work in the database, so that is safe.
 */
export function startScheduler(
  jobs: readonly Job[],
  options: { logger: Logger; onRun?: (job: string, outcome: 'ok' | 'error') => void },
): Scheduler {
  const running = new Set<Promise<void>>();
  const crons = jobs.map(
    (job) =>
      new Cron(job.schedule, { name: `concierge:${job.name}`, protect: true }, async () => {
        const run = job.run().then(
          () => options.onRun?.(job.name, 'ok'),
          (error: unknown) => {
            options.onRun?.(job.name, 'error');
            options.logger.error({ err: error, job: job.name }, 'job run failed');
          },
        );
        running.add(run);
        await run;
        running.delete(run);
      }),
  );
  return {
    async stop() {
      for (const cron of crons) cron.stop();
      await Promise.allSettled([...running]);
    },
  };
}
