import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/db/database.js';
import { engines, freshDatabase } from '../support/databases.js';
import { digestsFor, insertPending, insertUsers } from '../support/digest-fixtures.js';

const worker = 'test/support/digest-worker.ts';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Worker {
  readonly child: ChildProcess;
  /** Resolves with the first JSON line whose event is `event` (rejects if the process ends first). */
  next(event: string): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWorker(url: string, extra: Record<string, string> = {}): Worker {
  // The worker runs the TypeScript sources through tsx on the Node that runs the tests.
  const env: NodeJS.ProcessEnv = { ...process.env, DIGEST_DB_URL: url, ...extra };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', worker], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { event: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const message = JSON.parse(line) as Record<string, unknown>;
      lines.push(message);
      for (const w of waiters.filter((w) => w.event === message.event)) w.resolve(message);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    child,
    exited,
    next: (event) => {
      const seen = lines.find((m) => m.event === event);
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push({ event, resolve })),
        exited.then((e) => {
          throw new Error(`worker ended (${e.code ?? e.signal}) before "${event}": ${e.stderr.slice(-2000)}`);
        }),
      ]);
    },
  };
}

async function killed(w: Worker): Promise<void> {
  w.child.kill('SIGKILL');
  const { signal } = await w.exited;
  expect(signal).toBe('SIGKILL');
}

/** `n` users, each with `items` pending digest items, all of them due now. */
async function dueUsers(db: Db, prefix: string, n: number, items: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  await insertUsers(
    db,
    ids.map((id) => ({ id })),
  );
  const created = Date.now() - 60_000;
  await insertPending(
    db,
    ids.flatMap((userId) => Array.from({ length: items }, () => ({ userId, createdAt: created }))),
  );
  // The job creates the schedules; then they are made due.
  await digestsFor(db, () => new Date()).job.runOnce();
  await db.kysely
    .updateTable('digest_schedules')
    .set({ next_run_at: Date.now() - 1_000 })
    .execute();
  return ids;
}

async function digestsPerUser(db: Db): Promise<Map<string, number>> {
  const rows = await db.kysely
    .selectFrom('outbox')
    .select('to_address')
    .where('template', '=', 'digest')
    .execute();
  const counts = new Map<string, number>();
  for (const { to_address } of rows) counts.set(to_address, (counts.get(to_address) ?? 0) + 1);
  return counts;
}

async function stillPending(db: Db): Promise<number> {
  const rows = await db.kysely
    .selectFrom('notification_digest_items')
    .select('id')
    .where('digested_at', 'is', null)
    .execute();
  return rows.length;
}

describe.each(engines)('digests exactly once on %s', (engine) => {
  it('a worker killed after claiming, and one killed before commit, leave every digest to be sent once', async () => {
    const db = await freshDatabase(engine);
    const users = await dueUsers(db, `kill-${engine}`, 40, 3);
    const leaseMs = '1500';

    // 1. Killed between claim and send: the users stay leased, nothing is written.
    const first = startWorker(db.url, {
      DIGEST_PAUSE_AT: 'claim',
      DIGEST_LEASE_MS: leaseMs,
      DIGEST_BATCH: '25',
    });
    expect(await first.next('paused')).toMatchObject({ at: 'claim', claimed: 25 });
    await killed(first);
    expect((await digestsPerUser(db)).size).toBe(0);

    // 2. After the lease expired, a second worker (4 users per transaction) is killed inside the
    //    transaction holding its 10th digest, after that digest's outbox row was written: the two
    //    committed transactions (8 digests) stay, the third (digests 9 to 12) is rolled back whole.
    await new Promise((resolve) => setTimeout(resolve, Number(leaseMs) + 200));
    const second = startWorker(db.url, {
      DIGEST_PAUSE_AT: 'enqueue:10',
      DIGEST_LEASE_MS: leaseMs,
      DIGEST_BATCH: '25',
      DIGEST_GROUP: '4',
    });
    expect(await second.next('paused')).toMatchObject({ at: 'enqueue', enqueued: 10 });
    await killed(second);
    expect((await digestsPerUser(db)).size).toBe(8);

    // 3. A restarted worker finishes the rest.
    await new Promise((resolve) => setTimeout(resolve, Number(leaseMs) + 200));
    const third = startWorker(db.url, { DIGEST_LEASE_MS: leaseMs });
    expect(await third.next('done')).toMatchObject({ sent: 32, failed: 0 });
    expect((await third.exited).code).toBe(0);

    const perUser = await digestsPerUser(db);
    expect(perUser.size).toBe(users.length);
    expect([...perUser.values()].every((n) => n === 1)).toBe(true);
    expect(await stillPending(db)).toBe(0);
    const runs = await db.kysely.selectFrom('digest_runs').select('user_id').execute();
    expect(runs).toHaveLength(users.length);
  }, 120_000);
});

describe('digests exactly once under a race on postgres', () => {
  it('two worker processes racing over 1,000 due users write 1,000 digests, none twice', async () => {
    const db = await freshDatabase('postgres');
    const users = await dueUsers(db, 'race', 1000, 2);
    const env = { DIGEST_BATCH: '20' };
    const a = startWorker(db.url, { ...env, DIGEST_OWNER: 'racer-a' });
    const b = startWorker(db.url, { ...env, DIGEST_OWNER: 'racer-b' });
    const [doneA, doneB] = await Promise.all([a.next('done'), b.next('done')]);
    expect(Number(doneA.sent) + Number(doneB.sent)).toBe(1000);
    expect(Number(doneA.failed) + Number(doneB.failed)).toBe(0);

    const perUser = await digestsPerUser(db);
    expect(perUser.size).toBe(users.length);
    expect([...perUser.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await stillPending(db)).toBe(0);
  }, 120_000);

  it('leases that expire mid-run (a worker slower than its lease) still never send a digest twice', async () => {
    const db = await freshDatabase('postgres');
    const users = await dueUsers(db, 'steal', 300, 2);
    // A lease far shorter than a batch takes: the other worker keeps taking over "expired" users.
    const env = { DIGEST_BATCH: '50', DIGEST_LEASE_MS: '5' };
    const a = startWorker(db.url, { ...env, DIGEST_OWNER: 'slow-a' });
    const b = startWorker(db.url, { ...env, DIGEST_OWNER: 'slow-b' });
    const [doneA, doneB] = await Promise.all([a.next('done'), b.next('done')]);
    expect(Number(doneA.sent) + Number(doneB.sent)).toBe(300);

    const perUser = await digestsPerUser(db);
    expect(perUser.size).toBe(users.length);
    expect([...perUser.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await stillPending(db)).toBe(0);
  }, 120_000);
});
