import { Cron } from 'croner';
import type { Logger } from 'pino';

export interface Job {
  readonly name: string;
  /** croner pattern (with seconds when it has six fields) */
  readonly schedule: string;
  /** `stopping` is aborted on stop(): a long run should end after its current step (bounded batch). */
  run(stopping?: AbortSignal): Promise<void>;
}

export interface Scheduler {
  /** Stops future runs, asks the runs in progress to end after their current step, and waits for them. */
  stop(): Promise<void>;
}

/**
 * Runs each job on its schedule, never two runs of one job at once (croner's `protect`). Every replica
 * runs its own scheduler: jobs claim their work in the database, so that is safe.
 */
export function startScheduler(
  jobs: readonly Job[],
  options: {
    logger: Logger;
    onRun?: (job: string, outcome: 'ok' | 'error') => void;
    /** A tick came while the previous run of `job` was still going, so it was skipped. */
    onSkip?: (job: string) => void;
  },
): Scheduler {
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  const skipped = (name: string) => {
    options.logger.debug({ job: name }, 'previous run still going; tick skipped');
    options.onSkip?.(name);
  };
  const crons = jobs.map(
    (job) =>
      new Cron(
        job.schedule,
        { name: `concierge:${job.name}`, protect: () => skipped(job.name) },
        async () => {
          const run = job.run(stopping.signal).then(
            () => options.onRun?.(job.name, 'ok'),
            (error: unknown) => {
              options.onRun?.(job.name, 'error');
              options.logger.error({ err: error, job: job.name }, 'job run failed');
            },
          );
          running.add(run);
          await run;
          running.delete(run);
        },
      ),
  );
  return {
    async stop() {
      stopping.abort();
      for (const cron of crons) cron.stop();
      await Promise.allSettled([...running]);
    },
  };
}
