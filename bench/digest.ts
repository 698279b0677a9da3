// Digest benchmark: 10,000 due users × 20 pending items each, on libsql, through the digest job's own
// code (claim, one transaction per user: record the period, read the items, render with react-email,
// write the outbox row, mark the items, advance the schedule). Target: all of it in ≤ 20 s.
// Run: node --import tsx bench/digest.ts   (USERS=… ITEMS=… to change the size)
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderEmail } from '../src/adapters/db/outbox-store.js';

// React picks its production or development build when first loaded: measure what production runs
// (the Dockerfile sets NODE_ENV=production), so set it before anything imports React.
process.env.NODE_ENV ??= 'production';
const { default: pino } = await import('pino');
const { createRenderer } = await import('../emails/render.js');
const { openDatabase } = await import('../src/adapters/db/database.js');
const { migrateToLatest } = await import('../src/adapters/db/migrate.js');
const { unsubscribeSigner } = await import('../src/adapters/db/server-secret-store.js');
const { composeDigests } = await import('../src/compose/digests.js');
const { digestPublicUrl, insertPending, insertUsers, testCatalog } = await import(
  '../test/support/digest-fixtures.js'
);

const USERS = Number(process.env.USERS ?? 10_000);
const ITEMS = Number(process.env.ITEMS ?? 20);
const ZONES = ['Europe/Stockholm', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe', 'UTC'];
const PROJECTS = ['Atlas', 'Zephyr', 'Borealis', null];

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const dir = mkdtempSync(join(tmpdir(), 'concierge-bench-digest-'));
try {
  const db = await openDatabase(`file:${join(dir, 'concierge.db')}`, { backgroundCheckpoints: true });
  await migrateToLatest(db);

  let t = performance.now();
  const ids = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(5, '0')}`);
  await insertUsers(
    db,
    ids.map((id, i) => ({ id, timeZone: ZONES[i % ZONES.length]!, fuzzyDates: i % 2 === 0 })),
  );
  const created = Date.now() - 3_600_000;
  for (let i = 0; i < ids.length; i += 500) {
    await insertPending(
      db,
      ids.slice(i, i + 500).flatMap((userId, u) =>
        Array.from({ length: ITEMS }, (_, k) => ({
          userId,
          type: k % 3 === 0 ? 'comment.followed' : 'status.changed',
          project: PROJECTS[(u + k) % PROJECTS.length]!,
          title: `Shot ${k} of sequence ${u % 40} moved to review`,
          createdAt: created + k * 1000,
        })),
      ),
    );
  }
  const seedMs = performance.now() - t;

  // Render time is measured around the renderer the outbox calls, inside the run.
  const renderer = createRenderer(digestPublicUrl);
  let renderMs = 0;
  let renders = 0;
  const timedRender: RenderEmail = async (email) => {
    const start = performance.now();
    const rendered = await renderer(email);
    renderMs += performance.now() - start;
    renders += 1;
    return rendered;
  };
  const digests = composeDigests({
    db,
    render: timedRender,
    clock: () => new Date(),
    logger: pino({ level: 'silent' }),
    catalog: testCatalog,
    signer: unsubscribeSigner(db),
    defaults: { frequency: 'daily', time: '08:00', weekday: 1 },
    publicUrl: digestPublicUrl,
    listIdDomain: 'concierge.test',
    owner: `bench-${process.pid}`,
    batchSize: 100,
    maxBatches: 10_000,
  });

  t = performance.now();
  const first = await digests.job.runOnce();
  const scheduleMs = performance.now() - t;
  // Everyone due now: the benchmark measures the run itself.
  await db.kysely
    .updateTable('digest_schedules')
    .set({ next_run_at: Date.now() - 1000 })
    .execute();

  const loadBefore = loadavg();
  t = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await digests.job.runOnce();
  const runMs = performance.now() - t;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  const outbox = await db.kysely
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('template', '=', 'digest')
    .executeTakeFirstOrThrow();
  const pending = await db.kysely
    .selectFrom('notification_digest_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('digested_at', 'is', null)
    .executeTakeFirstOrThrow();
  await db.close();

  const cores = cpus();
  console.log(
    `node ${process.version}, NODE_ENV=${process.env.NODE_ENV}, ${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, libsql file (WAL)`,
  );
  console.log(`load average before the run: ${loadBefore.map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`seeded ${USERS} users × ${ITEMS} pending items in ${seconds(seedMs)} s`);
  console.log(`schedules created for ${first.scheduled} users in ${seconds(scheduleMs)} s`);
  console.log(
    `digest run: ${report.sent} digests in ${seconds(runMs)} s = ${Math.round(report.sent / (runMs / 1000))} digests/s` +
      ` (${(runMs / Math.max(1, report.sent)).toFixed(2)} ms each; render ${(renderMs / Math.max(1, renders)).toFixed(2)} ms` +
      ` per digest, ${Math.round((renderMs / runMs) * 100)} % of the run)`,
  );
  console.log(
    `CPU time of the run: ${seconds(cpuMs)} s of ${seconds(runMs)} s wall clock (the rest is waiting: disk, or a busy machine)`,
  );
  console.log(
    `check: ${Number(outbox.n)} digest emails in the outbox, ${Number(pending.n)} items still pending, ${report.failed} failed`,
  );
  console.log(runMs <= 20_000 ? 'target ≤ 20 s: met' : 'target ≤ 20 s: MISSED');
  if (Number(outbox.n) !== USERS || Number(pending.n) !== 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
