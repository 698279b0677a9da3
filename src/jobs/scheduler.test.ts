import { EventEmitter } from 'node:events';
import { scheduledJobs } from 'croner';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type Job, startScheduler } from './scheduler.js';

// Real croner on an every-second pattern. Every wait is for an event, bounded only so a broken
// scheduler fails the test instead of hanging it; nothing asserts how long anything took.
const EVERY_SECOND = '* * * * * *';
const logger = pino({ level: 'silent' });
let counter = 0;
const uniqueName = () => `test-${process.pid}-${++counter}`;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Resolves on the next `event`; create it before the action that causes the event. */
function next(events: EventEmitter, event: string, bound = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" event`)), bound);
    events.once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe.concurrent('the job scheduler', () => {
  it('skips a tick while the previous run of the job is still going, then runs again', async () => {
    const events = new EventEmitter();
    const first = gate();
    let runs = 0;
    let active = 0;
    let mostAtOnce = 0;
    const job: Job = {
      name: uniqueName(),
      schedule: EVERY_SECOND,
      async run() {
        runs++;
        active++;
        mostAtOnce = Math.max(mostAtOnce, active);
        events.emit('started', runs);
        if (runs === 1) await first.opened;
        active--;
      },
    };
    const started = next(events, 'started');
    const skipped = next(events, 'skipped');
    const scheduler = startScheduler([job], { logger, onSkip: (name) => events.emit('skipped', name) });
    try {
      expect(await started).toBe(1);
      expect(await skipped).toBe(job.name);
      expect(runs).toBe(1);
      const again = next(events, 'started');
      first.open();
      expect(await again).toBe(2);
      expect(mostAtOnce).toBe(1);
    } finally {
      first.open();
      await scheduler.stop();
    }
  });

  it('stop() asks the run in progress to end, waits for it and schedules nothing more', async () => {
    const events = new EventEmitter();
    const release = gate();
    let finished = false;
    let signal: AbortSignal | undefined;
    const job: Job = {
      name: uniqueName(),
      schedule: EVERY_SECOND,
      async run(stopping) {
        signal = stopping;
        events.emit('started');
        await release.opened;
        finished = true;
      },
    };
    const started = next(events, 'started');
    const scheduler = startScheduler([job], { logger });
    await started;
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    // Let every pending callback run: stop() must still be waiting for the run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(signal?.aborted).toBe(true);
    expect(scheduledJobs.some((cron) => cron.name === `concierge:${job.name}`)).toBe(false);
    release.open();
    await stopping;
    expect(finished).toBe(true);
  });

  it('reports a failing run, logs it, and runs the job again at the next tick', async () => {
    const events = new EventEmitter();
    let runs = 0;
    const job: Job = {
      name: uniqueName(),
      schedule: EVERY_SECOND,
      async run() {
        runs++;
        if (runs === 1) throw new Error('the database went away');
      },
    };
    const lines: string[] = [];
    const capturing = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const failed = next(events, 'error');
    const succeeded = next(events, 'ok');
    const scheduler = startScheduler([job], {
      logger: capturing,
      onRun: (name, outcome) => events.emit(outcome, name),
    });
    try {
      expect(await failed).toBe(job.name);
      expect(await succeeded).toBe(job.name);
      const logged = lines.map((l) => JSON.parse(l));
      expect(logged[0]).toMatchObject({
        job: job.name,
        msg: 'job run failed',
        err: { message: 'the database went away' },
      });
    } finally {
      await scheduler.stop();
    }
  });
});
