import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/adapters/db/database.js';
import { digestsFor, insertUsers } from '../support/digest-fixtures.js';
import { compiledConcierge } from './support/build.js';
import { kill, newInstance, type RunningConcierge, startConcierge } from './support/concierge.js';
import { childEnv, deferCleanup, runNode, spawnNode, throwawayPostgres } from './support/processes.js';
import { smtpSink, tally, until } from './support/smtp-sink.js';

// The built server as a child process, killed with SIGKILL while ingest requests are in flight, and the
// built `concierge digest run` killed while it writes due digests. The client then retries every request
// with the same idempotency keys, as the host platform would: nothing may be lost or stored twice, and
// every email must reach a real SMTP server.

const compiled = compiledConcierge();
const token = 'host-platform-token-crash-0123456789abcdef0123';
const USERS = 200;
const REQUESTS = 30;

const config = (smtpUrl: string) => `
server: { publicUrl: "http://concierge.test" }
logging: { level: info }
serviceTokens: ["${token}"]
mail:
  transport: smtp
  smtp: { url: "${smtpUrl}", pool: true }
  outbox: { schedule: "* * * * * *", batchSize: 100 }
`;

interface Batch {
  readonly body: string;
  /** Events and the recipients each names, to count what must be stored. */
  readonly events: { key: string; title: string; type: string; recipients: string[] }[];
}

/**
 * `REQUESTS` batches of 5 events: 4 status changes for 50 people each (inbox and digest) and one
 * assignment for 5 (inbox and an immediate email). Titles are unique, so an email names its event.
 */
function batches(users: readonly string[], engine: string): Batch[] {
  return Array.from({ length: REQUESTS }, (_, r) => {
    const events = Array.from({ length: 5 }, (_, e) => {
      const n = r * 5 + e;
      const many = e < 4;
      const recipients = Array.from(
        { length: many ? 50 : 5 },
        (_, i) => users[(n * 37 + i * 7) % users.length]!,
      );
      return {
        key: `crash-${engine}-${n}`,
        title: `Shot ${String(n).padStart(3, '0')}`,
        type: many ? 'status.changed' : 'task.assigned',
        recipients: [...new Set(recipients)],
      };
    });
    const body = JSON.stringify({
      events: events.map((e) => ({
        type: e.type,
        recipients: e.recipients,
        title: e.title,
        url: `https://host.example/shots/${e.key}`,
        idempotencyKey: e.key,
      })),
    });
    return { body, events };
  });
}

const post = (origin: string, body: string) =>
  fetch(`${origin}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });

/**
 * Sends `all` four at a time and SIGKILLs the server once `killAfter` answers came back, with the next
 * requests in flight. Returns which requests were answered 202 and how many failed without an answer.
 */
async function sendUntilKilled(server: RunningConcierge, all: readonly Batch[], killAfter: number) {
  let next = 0;
  let answered = 0;
  let failed = 0;
  let killing: Promise<void> | undefined;
  const worker = async () => {
    while (killing === undefined && next < all.length) {
      const batch = all[next++]!;
      try {
        const res = await post(server.origin, batch.body);
        await res.text();
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
        answered += 1;
        if (answered === killAfter) killing = kill(server);
      } catch (error) {
        if (killing === undefined) throw error;
        failed += 1;
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await killing;
  return { answered, failed };
}

async function count(db: Db, query: string): Promise<number> {
  const result = await sql<{ n: number | string }>`${sql.raw(query)}`.execute(db.kysely);
  return Number(result.rows[0]?.n ?? 0);
}

/** Rows of `select k, count(*) n … group by k having count(*) > 1`, i.e. anything stored twice. */
async function doubled(db: Db, table: string, key: string, where = '1 = 1'): Promise<unknown[]> {
  const result = await sql`${sql.raw(
    `select ${key}, count(*) as n from ${table} where ${where} group by ${key} having count(*) > 1`,
  )}`.execute(db.kysely);
  return result.rows;
}

describe.each(['sqlite', 'postgres'] as const)('crash recovery of the built server on %s', (engine) => {
  it('SIGKILL during ingest and during a digest run: after restart and retries nothing is lost or doubled', async () => {
    const sink = await smtpSink();
    const databaseUrl = engine === 'postgres' ? await throwawayPostgres() : undefined;
    const instance = newInstance(config(sink.url), databaseUrl);
    const env = childEnv({
      CONCIERGE_CONFIG: instance.configPath,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    let server = await startConcierge(compiled(), instance);
    const db = await openDatabase(databaseUrl ?? instance.sqliteUrl, { poolSize: 2 });
    deferCleanup(() => db.close());
    const users = Array.from({ length: USERS }, (_, i) => `crash-${engine}-${String(i).padStart(3, '0')}`);
    await insertUsers(
      db,
      users.map((id) => ({ id })),
    );
    const all = batches(users, engine);

    // 1. Killed with requests in flight (the delivery job is sending the first emails meanwhile).
    const first = await sendUntilKilled(server, all, 10);
    expect(first.answered).toBeGreaterThanOrEqual(10);
    expect(first.failed, 'requests were in flight when the server died').toBeGreaterThan(0);
    // A crashed server's outbox leases hold for 5 minutes; that time is made to pass in the database.
    const leasedAtCrash = await db.kysely
      .selectFrom('outbox')
      .select('id')
      .where('lease_owner', 'is not', null)
      .where('status', '=', 'pending')
      .execute();
    await db.kysely.updateTable('outbox').set({ lease_until: 0 }).where('status', '=', 'pending').execute();

    // 2. Restarted; the client retries every request with its idempotency keys.
    server = await startConcierge(compiled(), instance);
    for (const batch of all) {
      const res = await post(server.origin, batch.body);
      expect(res.status).toBe(202);
      const report = (await res.json()) as { accepted: number; duplicates: number };
      // A request is stored whole or not at all: never some of its events.
      expect([0, 5]).toContain(report.accepted);
      expect(report.accepted + report.duplicates).toBe(5);
    }

    const events = all.flatMap((b) => b.events);
    const expectedInbox = events.reduce((n, e) => n + e.recipients.length, 0);
    const emailed = events.filter((e) => e.type === 'task.assigned');
    const expectedEmails = emailed.reduce((n, e) => n + e.recipients.length, 0);
    expect(await count(db, 'select count(*) as n from notification_events')).toBe(events.length);
    expect(await count(db, 'select count(*) as n from notification_inbox')).toBe(expectedInbox);
    expect(await doubled(db, 'notification_inbox', 'user_id, event_id')).toEqual([]);
    expect(await doubled(db, 'notification_digest_items', 'user_id, event_id')).toEqual([]);
    // Status changes go to the inbox and the digest, assignments to the inbox and an email.
    expect(await count(db, 'select count(*) as n from notification_digest_items')).toBe(
      expectedInbox - expectedEmails,
    );
    expect(await count(db, "select count(*) as n from outbox where template = 'notification'")).toBe(
      expectedEmails,
    );
    // The stored fields name the event's title: one email per recipient and event.
    expect(await doubled(db, 'outbox', 'to_address, data', "template = 'notification'")).toEqual([]);

    // 3. Every user has a digest due; `concierge digest run` is killed while it writes them.
    // The job's first run creates the schedules (08:00 in each user's zone); they are made due now.
    await digestsFor(db, () => new Date()).job.runOnce();
    await db.kysely
      .updateTable('digest_schedules')
      .set({ next_run_at: Date.now() - 1000 })
      .execute();
    const runner = spawnNode(compiled(), 'bin/concierge.js', ['digest', 'run'], env);
    const runnerExit = new Promise<NodeJS.Signals | null>((resolve) =>
      runner.on('close', (_code, signal) => resolve(signal)),
    );
    deferCleanup(() => runner.kill('SIGKILL'));
    await until(
      'the digest run wrote its first digests',
      async () => (await count(db, 'select count(*) as n from digest_runs')) > 0,
      { everyMs: 10 },
    );
    runner.kill('SIGKILL');
    expect(await runnerExit, 'the digest run was still going when killed').toBe('SIGKILL');
    const runsAtKill = await count(db, 'select count(*) as n from digest_runs');
    expect(runsAtKill).toBeLessThan(USERS);
    // Its 5-minute leases are made to pass, then a run on the restarted service finishes the rest.
    await db.kysely.updateTable('digest_schedules').set({ lease_until: 0 }).execute();
    const rerun = await runNode(compiled(), 'bin/concierge.js', ['digest', 'run'], { env });
    expect(rerun.code, rerun.stderr).toBe(0);
    // The restarted server's own digest job (every minute) may have taken some of them meanwhile: its
    // transactions write a digest and advance that user's schedule together, so none due means all done.
    await until(
      'no digest is due any more',
      async () =>
        (await count(db, `select count(*) as n from digest_schedules where next_run_at <= ${Date.now()}`)) ===
        0,
    );

    expect(await count(db, "select count(*) as n from outbox where template = 'digest'")).toBe(USERS);
    expect(await doubled(db, 'outbox', 'to_address', "template = 'digest'")).toEqual([]);
    expect(
      await count(db, 'select count(*) as n from notification_digest_items where digested_at is null'),
    ).toBe(0);

    // 4. The restarted server delivers everything to the SMTP server.
    const total = expectedEmails + USERS;
    await until(
      'every email is sent',
      async () => (await count(db, "select count(*) as n from outbox where status = 'sent'")) === total,
    );
    const rows = await db.kysely.selectFrom('outbox').select(['id', 'status']).execute();
    expect(rows).toHaveLength(total);
    const mails = await sink.messages();
    const byMessageId = tally(mails.map((m) => m.messageId));
    expect([...byMessageId.keys()].sort()).toEqual(rows.map((r) => `<${r.id}@concierge.test>`).sort());
    // At-least-once: only an email the killed server had claimed may have gone out twice.
    const claimed = new Set(leasedAtCrash.map((r) => `<${r.id}@concierge.test>`));
    const repeats = [...byMessageId].filter(([, n]) => n > 1).map(([id]) => id);
    expect(repeats.filter((id) => !claimed.has(id))).toEqual([]);
    expect([...byMessageId.values()].every((n) => n <= 2)).toBe(true);
    const distinct = new Map(mails.map((m) => [m.messageId, m]));
    const perRecipientSubject = tally([...distinct.values()].map((m) => `${m.to} | ${m.subject}`));
    expect([...perRecipientSubject].filter(([, n]) => n !== 1)).toEqual([]);
    for (const e of emailed.slice(0, 5)) {
      for (const to of e.recipients) {
        expect(
          perRecipientSubject.has(`${to}@example.test | Assigned to a task: ${e.title}`),
          `${to} ${e.title}`,
        ).toBe(true);
      }
    }

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 180_000);
});
