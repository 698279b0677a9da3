import type { Clock } from '../domain/shared/clock.js';
import type { Job } from './scheduler.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Deletes sign-in and reset counters idle for a day whose lock is over, so client addresses and
 * mistyped identifiers do not pile up. Idempotent: every replica may run it.
 */
export function throttlePurgeJob(purge: (now: Date, idleMs: number) => Promise<number>, clock: Clock): Job {
  return {
    name: 'auth-throttle-purge',
    schedule: '0 17 * * * *',
    run: async () => {
      await purge(clock(), DAY);
    },
  };
}
