import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createRenderer } from '../../emails/render.js';
import { type Db, type Dialect, openDatabase } from '../../src/adapters/db/database.js';
import { ingestWriter } from '../../src/adapters/db/notification-ingest-store.js';
import { outboxDepth, outboxQueue, outboxWriter } from '../../src/adapters/db/outbox-store.js';
import { transactor } from '../../src/adapters/db/stores.js';
import { notificationFiller } from '../../src/adapters/mail/notification-mailer.js';
import { deliverOutbox } from '../../src/domain/mail/deliver-outbox.js';
import type { OutgoingEmail, RenderedEmail } from '../../src/domain/mail/email.js';
import { engines, freshDatabase } from '../support/databases.js';
import { notificationEmailData } from '../support/notification-emails.js';
import { aUser } from '../support/users.js';

// One migrated database per engine for the whole file, plus a second connection to it playing a second
// replica (a second process on SQLite, a second pool on PostgreSQL).
const databases = new Map<Dialect, { db: Db; replica: Db }>();
for (const engine of engines) {
  const db = await freshDatabase(engine);
  const replica = await openDatabase(db.url, { poolSize: 5 });
  afterAll(() => replica.close());
  databases.set(engine, { db, replica });
}

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const at = (ms: number) => new Date(T0 + ms);
const _suffix = () => Math.random().toString(36).slice(2, 10);
const lightRender = async (): Promise<RenderedEmail> => ({ subject: 's', html: '<p>h</p>', text: 'h' });
const notificationData = notificationEmailData();

describe.each(engines)('the outbox on %s', (engine) => {
  const { db, replica } = databases.get(engine)!;

  // The outbox is one shared queue: each test starts from an empty one so claims see only its rows.
  beforeEach(async () => {
    await db.kysely.deleteFrom('outbox').execute();
  });

  const enqueue = async (count: number, now = at(0)) => {
    const writer = outboxWriter(db.kysely, lightRender, () => now);
    for (let i = 0; i < count; i++) {
      await writer.enqueue({ template: 'test', to: `r${i}@studio.example`, data: { message: `m${i}` } });
    }
    const rows = await db.kysely.selectFrom('outbox').select('id').execute();
    return rows.map((r) => r.id);
  };

  it('writes a rendered email with its headers inside a transaction that commits', async () => {
    const render = createRenderer('http://concierge.test');
    const transact = transactor(db, render, () => at(0));
    await transact(({ outbox }) =>
      outbox.enqueue({
        template: 'test',
        to: 'ada@studio.example',
        data: { message: 'Hello from the store suite' },
        headers: { 'List-Unsubscribe': '<http://concierge.test/unsubscribe?token=x>' },
      }),
    );
    const [email] = await outboxQueue(db, 'owner', { render: lightRender }).claim(10, at(0));
    expect(email).toMatchObject({
      to: 'ada@studio.example',
      subject: 'Concierge test message',
      attempts: 0,
    });
    expect(email?.html).toContain('Hello from the store suite');
    expect(email?.text).toContain('Hello from the store suite');
    expect(email?.headers).toEqual({ 'List-Unsubscribe': '<http://concierge.test/unsubscribe?token=x>' });
  });

  it('fills in a notification email stored as its fields when it is claimed', async () => {
    const render = notificationFiller(createRenderer('http://concierge.test'));
    await db.kysely.transaction().execute((trx) =>
      ingestWriter(trx, () => at(0)).insertEmails([
        {
          template: 'notification',
          to: 'ada@studio.example',
          data: { ...notificationData, title: 'Shot 010 <comp> is ready' },
          headers: { 'List-Id': '<mention.notifications.concierge.test>' },
        },
      ]),
    );
    const stored = await db.kysely.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ subject: '', html: '', text: '', template: 'notification' });
    const [email] = await outboxQueue(db, 'owner', { render }).claim(10, at(0));
    expect(email).toMatchObject({
      to: 'ada@studio.example',
      subject: 'Mentioned: Shot 010 <comp> is ready',
      headers: { 'List-Id': '<mention.notifications.concierge.test>' },
    });
    expect(email?.html).toContain('Shot 010 &lt;comp&gt; is ready');
    expect(email?.text).toContain('Shot 010 <comp> is ready');
  });

  it('marks dead an email whose fields cannot be filled in, and hands out the others', async () => {
    const [good] = await enqueue(1);
    await db.kysely
      .transaction()
      .execute((trx) =>
        ingestWriter(trx, () => at(0)).insertEmails([
          { template: 'notification', to: 'grace@studio.example', data: notificationData },
        ]),
      );
    const failing = async (email: OutgoingEmail): Promise<RenderedEmail> => {
      if (email.template === 'notification') throw new Error('the template is broken');
      return lightRender();
    };
    const reported: { id: string; template: string; error: string }[] = [];
    const queue = outboxQueue(db, 'owner', { render: failing, onUnfillable: (e) => reported.push(e) });
    const claimed = await queue.claim(10, at(0));
    expect(claimed.map((e) => e.id)).toEqual([good]);
    const dead = await db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', 'grace@studio.example')
      .executeTakeFirstOrThrow();
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 1,
      lease_owner: null,
      last_error: 'could not fill in the notification email: the template is broken',
    });
    expect(reported).toEqual([
      {
        id: dead.id,
        template: 'notification',
        error: 'could not fill in the notification email: the template is broken',
      },
    ]);
    expect(await outboxDepth(db)).toBe(1); // the good one, claimed and not yet sent
  });

  it('leaves nothing behind when the enqueuing transaction rolls back', async () => {
    const transact = transactor(db, lightRender, () => at(0));
    const failed = transact(async ({ outbox, users }) => {
      await outbox.enqueue({ template: 'test', to: 'ada@studio.example', data: { message: 'x' } });
      await users.insert(aUser(), null);
      throw new Error('the change failed after the email was queued');
    });
    await expect(failed).rejects.toThrow('the change failed');
    expect(await db.kysely.selectFrom('outbox').selectAll().execute()).toEqual([]);
    expect(await outboxDepth(db)).toBe(0);
  });

  it('gives two replicas claiming at once disjoint sets that cover every row exactly once', async () => {
    const all = await enqueue(200);
    const claimed: string[][] = [[], []];
    const drain = async (queue: ReturnType<typeof outboxQueue>, into: string[]) => {
      for (;;) {
        const batch = await queue.claim(7, at(0));
        if (batch.length === 0) return;
        for (const email of batch) {
          into.push(email.id);
          await queue.markSent(email.id, at(0));
        }
      }
    };
    const a = outboxQueue(db, 'replica-a', { render: lightRender });
    const b = outboxQueue(replica, 'replica-b', { render: lightRender });
    // Three workers per replica so claims really interleave.
    await Promise.all([
      drain(a, claimed[0]!),
      drain(b, claimed[1]!),
      drain(a, claimed[0]!),
      drain(b, claimed[1]!),
      drain(a, claimed[0]!),
      drain(b, claimed[1]!),
    ]);
    const every = [...claimed[0]!, ...claimed[1]!];
    expect(every).toHaveLength(200);
    expect(new Set(every).size).toBe(200);
    expect([...every].sort()).toEqual([...all].sort());
    expect(await outboxDepth(db)).toBe(0);
  });

  it('lets another replica take a row whose lease expired, and the old owner can no longer settle it', async () => {
    const [id] = await enqueue(1);
    const leaseMs = 60_000;
    const crashed = outboxQueue(db, 'crashed', { render: lightRender, leaseMs });
    const rescuer = outboxQueue(replica, 'rescuer', { render: lightRender, leaseMs });
    expect((await crashed.claim(10, at(0))).map((e) => e.id)).toEqual([id]);
    expect(await rescuer.claim(10, at(leaseMs))).toEqual([]);
    expect((await rescuer.claim(10, at(leaseMs + 1))).map((e) => e.id)).toEqual([id]);
    await crashed.markSent(id!, at(leaseMs + 2));
    const row = await db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', lease_owner: 'rescuer' });
    await rescuer.markSent(id!, at(leaseMs + 3));
    const sent = await db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ status: 'sent', sent_at: T0 + leaseMs + 3, lease_owner: null });
  });

  it('retries a failed email after its backoff and marks it dead after the last attempt', async () => {
    const [id] = await enqueue(1);
    const queue = outboxQueue(db, 'worker', { render: lightRender });
    let now = at(0);
    const deps = {
      queue,
      clock: () => now,
      transport: {
        send: async () => {
          throw new Error('421 try again later');
        },
      },
    };
    const options = { batchSize: 10, maxAttempts: 3 };
    const row = () =>
      db.kysely.selectFrom('outbox').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();

    expect(await deliverOutbox(deps, options)).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await row()).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: T0 + 30_000,
      last_error: '421 try again later',
      lease_owner: null,
    });
    now = at(29_999);
    expect(await deliverOutbox(deps, options)).toEqual({ sent: 0, retried: 0, dead: 0 });
    now = at(30_000);
    expect(await deliverOutbox(deps, options)).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await row()).toMatchObject({ attempts: 2, next_attempt_at: T0 + 30_000 + 60_000 });
    now = at(90_000);
    expect(await deliverOutbox(deps, options)).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await row()).toMatchObject({ status: 'dead', attempts: 3, lease_owner: null });
    now = at(365 * 86_400_000);
    expect(await queue.claim(10, now)).toEqual([]);
    expect(await outboxDepth(db)).toBe(0);
  });

  it('drops the text of a link email queued rendered before links were minted at delivery, once settled', async () => {
    const legacy = (id: string, template: string) => ({
      id,
      to_address: `${id}@studio.example`,
      subject: 's',
      html: '<a href="http://concierge.test/reset-password?token=legacytoken">x</a>',
      text: 'http://concierge.test/reset-password?token=legacytoken',
      headers: '{}',
      template,
      data: null,
      link: null,
      status: 'pending' as const,
      next_attempt_at: T0,
      created_at: T0,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      sent_at: null,
    });
    await db.kysely
      .insertInto('outbox')
      .values([legacy('reset', 'password-reset'), legacy('dead', 'invitation'), legacy('test', 'test')])
      .execute();
    const queue = outboxQueue(db, 'owner', { render: lightRender });
    const claimed = await queue.claim(10, at(0));
    // Still delivered as stored.
    expect(claimed.find((e) => e.id === 'reset')?.text).toContain('token=legacytoken');
    await queue.markSent('reset', at(1));
    await queue.markSent('test', at(1));
    await queue.markFailed('dead', { attempts: 1, retryAt: null, error: 'refused' });
    const rows = await db.kysely.selectFrom('outbox').select(['id', 'html', 'text']).orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.html.includes('legacytoken'), r.text.includes('legacytoken')])).toEqual([
      ['dead', false, false],
      ['reset', false, false],
      ['test', true, true],
    ]);
  });
});
