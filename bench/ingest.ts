// Ingest benchmark: batches of 100 events × 10 recipients into libsql through the ingest use case
// (validation, routing, emails stored as their fields, one transaction per batch), then the very same rows inserted
// raw through Kysely, one transaction per batch, as the baseline.
// Run: node --import tsx bench/ingest.ts   (BATCHES=60 by default; SCENARIO=no-email for the quiet mix)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createRenderer } from '../emails/render.js';
import { type Db, openDatabase } from '../src/adapters/db/database.js';
import { migrateToLatest } from '../src/adapters/db/migrate.js';
import { chunks } from '../src/adapters/db/notification-rows.js';
import type { Tables } from '../src/adapters/db/schema.js';
import { notificationFiller } from '../src/adapters/mail/notification-mailer.js';
import { compose } from '../src/compose/compose.js';
import { parseConfig } from '../src/config/load.js';
import type { IncomingEvent } from '../src/domain/notifications/ingest-ports.js';
import { childrenCpuSeconds } from './harness.js';

const BATCHES = Number(process.env.BATCHES ?? 60);
const WARMUP = 5;
const EVENTS = 100;
const RECIPIENTS = 10;
const USERS = 2000;

async function database(dir: string, name: string): Promise<Db> {
  const db = await openDatabase(`file:${join(dir, name)}`, { backgroundCheckpoints: true });
  await migrateToLatest(db);
  const now = Date.now();
  for (const part of chunks(
    Array.from({ length: USERS }, (_, i) => i),
    200,
  )) {
    await db.kysely
      .insertInto('users')
      .values(
        part.map((i) => ({
          id: `u${i}`,
          username: `user${i}`,
          username_key: `user${i}`,
          email: `user${i}@studio.example`,
          email_key: `user${i}@studio.example`,
          first_name: 'User',
          last_name: String(i),
          role: 'user' as const,
          disabled: 0,
          provider_id: 'local',
          avatar_key: null,
          fuzzy_dates: i % 2,
          time_zone: ['Europe/Stockholm', 'America/New_York', 'Asia/Tokyo'][i % 3]!,
          locale: ['en', 'sv', 'fr-FR'][i % 3]!,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  return db;
}

// mixed: the eight studio types in turn, so about half the deliveries also email (catalog defaults);
// no-email: only the high-volume types that default to inbox + digest (notes, statuses, versions).
const SCENARIO = process.env.SCENARIO === 'no-email' ? 'no-email' : 'mixed';
const types =
  SCENARIO === 'mixed'
    ? [
        'task.assigned',
        'comment.followed',
        'mention',
        'status.changed',
        'version.published',
        'review.ready',
        'due.approaching',
        'task.unassigned',
      ]
    : ['comment.followed', 'status.changed', 'version.published', 'task.unassigned'];

function batch(b: number): IncomingEvent[] {
  return Array.from({ length: EVENTS }, (_, e) => {
    const n = b * EVENTS + e;
    return {
      type: types[n % types.length]!,
      recipients: Array.from({ length: RECIPIENTS }, (_, r) => `user${(n * 7 + r * 131) % USERS}`),
      title: `Shot ${n}: comp v${n % 17} is ready`,
      body: `Notes on shot ${n}.\nThe edge of the matte needs another pass; see the attached frames.`,
      url: `https://host.example/shots/${n}`,
      actor: `user${(n * 13) % USERS}`,
      project: `Project ${n % 5}`,
      occurredAt: new Date(Date.now() - (n % 600) * 60_000),
      idempotencyKey: `bench-${n}`,
    };
  });
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

const dir = mkdtempSync(join(tmpdir(), 'concierge-bench-'));
try {
  const db = await database(dir, 'ingest.db');
  const config = parseConfig({
    dataDir: dir,
    database: { url: `file:${join(dir, 'ingest.db')}` },
    server: { publicUrl: 'https://concierge.example' },
    logging: { level: 'silent' },
  });
  const parts = compose(config, db, { logger: pino({ level: 'silent' }) });
  const ingest = (events: IncomingEvent[]) => parts.notifications.ingest(events, (i) => `events.${i}`);
  for (let b = 0; b < WARMUP; b++) await ingest(batch(BATCHES + b));

  const totals = { inbox: 0, email: 0, digest: 0 };
  const measuredFrom = Date.now();
  let renderMs = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const childCpuStart = childrenCpuSeconds();
  for (let b = 0; b < BATCHES; b++) {
    const report = await ingest(batch(b));
    totals.inbox += report.deliveries.inbox;
    totals.email += report.deliveries.email;
    totals.digest += report.deliveries.digest;
  }
  const ingestMs = performance.now() - started;
  // With the checkpointer's CPU (a child process), since it does work the commits did before.
  const ingestCpu = cpuSeconds(process.cpuUsage(cpuStart)) + childrenCpuSeconds() - childCpuStart;

  // Notification emails are stored as their fields and filled in at delivery, outside the ingest; the
  // filling alone, for the record: the same kind of emails through the placeholder cache.
  const fillEmail = notificationFiller(createRenderer('https://concierge.example'));
  const sampleRows = await db.kysely.selectFrom('outbox').select(['data']).limit(1).execute();
  const sampleEmails = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      template: 'notification' as const,
      to: `user${i}@studio.example`,
      data: {
        typeLabel: 'Assigned to a task',
        title: `Shot ${i}`,
        preview: `Shot ${i} — Body`,
        body: 'Body',
        url: `https://host.example/shots/${i}`,
        actor: 'User 1',
        project: 'Atlas',
        when: '5 minutes ago',
        why: 'Because.',
        settingsUrl: 'https://concierge.example/account/notifications',
        unsubscribeUrl: `https://concierge.example/unsubscribe?token=${i}`,
      },
    }));
  // Warm first: the template shapes are compiled on first use (one real react-email render each).
  const samples = sampleEmails(1000);
  await Promise.all(samples.slice(0, 10).map(fillEmail));
  const renderStart = performance.now();
  let htmlBytes = 0;
  for (const email of samples) htmlBytes = (await fillEmail(email)).html.length;
  renderMs = performance.now() - renderStart;

  // Baseline: the rows the measured batches wrote, batch by batch, straight through Kysely.
  const raw = await database(dir, 'raw.db');
  const keyOf = (b: number) => Array.from({ length: EVENTS }, (_, e) => `bench-${b * EVENTS + e}`);
  const rowsOf = async (b: number) => {
    const events = await db.kysely
      .selectFrom('notification_events')
      .selectAll()
      .where('idempotency_key', 'in', keyOf(b))
      .execute();
    const ids = events.map((e) => e.id);
    const inbox = await db.kysely
      .selectFrom('notification_inbox')
      .selectAll()
      .where('event_id', 'in', ids)
      .execute();
    const digest = await db.kysely
      .selectFrom('notification_digest_items')
      .selectAll()
      .where('event_id', 'in', ids)
      .execute();
    return { events, inbox, digest };
  };
  const outbox = await db.kysely
    .selectFrom('outbox')
    .selectAll()
    .where('created_at', '>=', measuredFrom)
    .orderBy('id')
    .execute();
  const perBatchEmails = Math.ceil(outbox.length / BATCHES);
  const prepared = [];
  for (let b = 0; b < BATCHES; b++) {
    prepared.push({
      ...(await rowsOf(b)),
      outbox: outbox.slice(b * perBatchEmails, (b + 1) * perBatchEmails),
    });
  }
  const insert = async <T extends keyof Tables>(
    trx: Db['kysely'],
    table: T,
    rows: readonly object[],
    size: number,
  ) => {
    for (const part of chunks(rows, size))
      await trx
        .insertInto(table)
        .values(part as never)
        .execute();
  };
  const tableMs: Record<string, number> = {};
  const timed = async (name: string, work: () => Promise<void>) => {
    const t = performance.now();
    await work();
    tableMs[name] = (tableMs[name] ?? 0) + performance.now() - t;
  };
  const rawStart = performance.now();
  const rawCpuStart = process.cpuUsage();
  const rawChildCpuStart = childrenCpuSeconds();
  for (const p of prepared) {
    await raw.kysely.transaction().execute(async (trx) => {
      await timed('events', () => insert(trx, 'notification_events', p.events, 100));
      await timed('inbox', () => insert(trx, 'notification_inbox', p.inbox, 200));
      await timed('digest', () => insert(trx, 'notification_digest_items', p.digest, 200));
      await timed('outbox', () => insert(trx, 'outbox', p.outbox, 100));
    });
  }
  const rawMs = performance.now() - rawStart;
  const rawCpu = cpuSeconds(process.cpuUsage(rawCpuStart)) + childrenCpuSeconds() - rawChildCpuStart;

  const deliveries = BATCHES * EVENTS * RECIPIENTS;
  const ingestRate = deliveries / (ingestMs / 1000);
  const rawRate = deliveries / (rawMs / 1000);
  const out = {
    scenario: SCENARIO,
    batches: BATCHES,
    deliveries,
    rows: totals,
    ingestSeconds: +(ingestMs / 1000).toFixed(2),
    ingestDeliveriesPerSecond: Math.round(ingestRate),
    rawSeconds: +(rawMs / 1000).toFixed(2),
    rawDeliveriesPerSecond: Math.round(rawRate),
    ratio: +(ingestRate / rawRate).toFixed(2),
    // CPU time of this process: the machine is shared, so wall-clock rates swing with its load.
    ingestDeliveriesPerCpuSecond: Math.round(deliveries / ingestCpu),
    rawDeliveriesPerCpuSecond: Math.round(deliveries / rawCpu),
    cpuRatio: +(rawCpu / ingestCpu).toFixed(2),
    loadAverage: (await import('node:os')).loadavg()[0]?.toFixed(1),
    fillMsPer1000Emails: +renderMs.toFixed(1),
    emailDataBytes: sampleRows[0]?.data?.length,
    filledHtmlBytes: htmlBytes,
    rawMsPerTable: Object.fromEntries(Object.entries(tableMs).map(([k, v]) => [k, Math.round(v)])),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  await raw.close();
  await db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
