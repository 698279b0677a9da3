import { createServer } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { localUser, login, strongPassword } from '../support/accounts.js';
import { cleanup } from '../support/cleanup.js';
import { engines } from '../support/databases.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

// An SMTP server that goes away for a while, with every kind of email in the outbox: notification
// emails (immediate), account emails (password changed, API key created) and digests. The outbox backs
// off 30 s doubling, so the test drives the delivery job with a clock it moves by hand: a 90-second
// outage in a few runs, no real waiting.

const serviceToken = 'host-platform-token-outage-0123456789abcdef0123';
const service = { authorization: `Bearer ${serviceToken}` };
// 07:58 UTC: the default digest (08:00 in the user's zone, UTC here) falls due during the outage.
const T0 = Date.UTC(2026, 2, 2, 7, 58, 0);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A real SMTP server on `port` that can be stopped and started again; every message any of its
 * incarnations accepted in full is kept, parsed. `afterAccept(n)` runs once the n-th message was
 * acknowledged (250), e.g. to stop the server while others are still being sent.
 */
function restartableSink(port: number, options: { afterAccept?: (n: number) => void } = {}) {
  const received: ParsedMail[] = [];
  const parsing = new Set<Promise<void>>();
  let accepted = 0;
  let server: SMTPServer | undefined;
  let closing: Promise<void> = Promise.resolve();
  const stop = () => {
    const running = server;
    server = undefined;
    // closeTimeout 1: pooled connections are cut at once (421), as when the relay goes down.
    if (running) closing = new Promise<void>((resolve) => running.close(() => resolve()));
    return closing;
  };
  cleanup(stop);
  return {
    async start() {
      await closing;
      const s = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        closeTimeout: 1,
        onData(stream, _session, callback) {
          const parsed = simpleParser(stream).then(
            (mail) => {
              received.push(mail);
            },
            // Cut in the middle of DATA: the sender got no 250, so the message was not delivered.
            () => {},
          );
          parsing.add(parsed);
          void parsed.finally(() => parsing.delete(parsed));
          stream.on('end', () => {
            if (stream.sizeExceeded) return callback(new Error('too large'));
            callback();
            accepted += 1;
            options.afterAccept?.(accepted);
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      server = s;
    },
    stop,
    async messages() {
      await Promise.all([...parsing]);
      return [...received];
    },
  };
}

const toText = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '');

describe.each(engines)('outbox delivery across an SMTP outage on %s', (engine) => {
  it('every notification, account and digest email queued before or during the outage arrives exactly once', async () => {
    const port = await freePort();
    let now = T0;
    const clock = () => new Date(now);
    const app = await testApp({
      engine,
      clock,
      config: {
        serviceTokens: [serviceToken],
        mail: {
          transport: 'smtp',
          smtp: { url: `smtp://127.0.0.1:${port}`, pool: true, maxConnections: 3 },
          // Room for every retry of a long outage: giving up is the other test's subject.
          outbox: { maxAttempts: 20, batchSize: 10 },
        },
      },
    });
    const sink = restartableSink(port);
    // The pool's idle connections end before the sink stops for good.
    cleanup(() => app.transport.close());
    await sink.start();

    const people = await Promise.all([0, 1, 2, 3].map(() => localUser(app)));
    const names = people.map((p) => p.user.username);
    const sessions = await Promise.all(people.map((p) => login(app, p.user.username, p.password)));
    const post = async (events: Record<string, unknown>[]) => {
      const res = await app.request('POST', '/api/v1/events', { events }, service);
      expect(res.status).toBe(202);
    };
    const event = (key: string, type: string, recipients: string[]) => ({
      type,
      recipients,
      title: `Shot ${key}`,
      url: `https://host.example/shots/${key}`,
      idempotencyKey: key,
    });
    const deliver = () => app.outbox.runOnce();

    // Before the outage: one notification email each, delivered; pending digest items for later.
    await post([event('before', 'task.assigned', names), event('digest-item', 'status.changed', names)]);
    await app.digests.job.runOnce(); // creates the schedules: 08:00 today
    expect(await deliver()).toMatchObject({ sent: 4, retried: 0 });

    await sink.stop();
    // During the outage (90 s of the clock, a delivery run every 5 s): new emails keep coming.
    const during = async (second: number) => {
      if (second === 0) await post([event('during-1', 'task.assigned', names)]);
      if (second === 20) await post([event('during-2', 'mention', names.slice(0, 2))]);
      if (second === 30) {
        const res = await app.request(
          'POST',
          '/api/v1/me/password',
          {
            currentPassword: people[0]!.password,
            newPassword: strongPassword(),
            confirmPassword: strongPassword(),
          },
          { cookie: sessions[0]!.cookie },
        );
        // A confirmation that does not match changes nothing and sends nothing.
        expect(res.status).toBe(400);
        const password = strongPassword();
        const changed = await app.request(
          'POST',
          '/api/v1/me/password',
          { currentPassword: people[0]!.password, newPassword: password, confirmPassword: password },
          { cookie: sessions[0]!.cookie },
        );
        expect(changed.status).toBe(204);
      }
      if (second === 45) {
        for (const s of sessions.slice(1, 3)) {
          const key = await app.request(
            'POST',
            '/api/v1/me/api-keys',
            { name: 'Render farm' },
            { cookie: s.cookie },
          );
          expect(key.status).toBe(201);
        }
      }
      // 08:00:05 and later: the digests are due and written to the outbox.
      if (second === 125) expect((await app.digests.job.runOnce()).sent).toBe(4);
    };
    for (let second = 0; second <= 150; second += 5) {
      now = T0 + 60_000 + second * 1000;
      await during(second);
      const report = await deliver();
      expect(report.sent, `nothing can be sent during the outage (second ${second})`).toBe(0);
    }
    const queued = await app.db.kysely
      .selectFrom('outbox')
      .select(['id', 'status', 'attempts', 'last_error'])
      .where('status', '!=', 'sent')
      .execute();
    // during-1 ×4, during-2 ×2, password changed ×1, API key created ×2, digests ×4.
    expect(queued).toHaveLength(13);
    expect(queued.every((r) => r.status === 'pending')).toBe(true);
    expect(queued.filter((r) => !/ECONNREFUSED/.test(r.last_error ?? ''))).toEqual([]);
    expect(queued.filter((r) => r.attempts > 1).length, 'the early ones were retried').toBeGreaterThan(0);

    await sink.start();
    // Back up: the clock moves by the longest backoff reached so far until the outbox is empty.
    for (let run = 0; run < 20; run++) {
      now += 5 * 60_000;
      await deliver();
      const left = await app.db.kysely
        .selectFrom('outbox')
        .select('id')
        .where('status', '!=', 'sent')
        .execute();
      if (left.length === 0) break;
    }
    // A day later nothing is sent again.
    now += 24 * 60 * 60_000;
    expect(await deliver()).toEqual({ sent: 0, retried: 0, dead: 0 });

    const rows = await app.db.kysely.selectFrom('outbox').select(['id', 'status', 'to_address']).execute();
    expect(rows).toHaveLength(17);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    const mails = await sink.messages();
    const byMessageId = new Map<string, number>();
    for (const m of mails) byMessageId.set(m.messageId ?? '', (byMessageId.get(m.messageId ?? '') ?? 0) + 1);
    expect(
      [...byMessageId.entries()].filter(([, n]) => n !== 1),
      'no Message-ID twice',
    ).toEqual([]);
    expect([...byMessageId.keys()].sort()).toEqual(rows.map((r) => `<${r.id}@concierge.test>`).sort());

    const byRecipientSubject = new Map<string, number>();
    for (const m of mails) {
      const key = `${toText(m)} | ${m.subject}`;
      byRecipientSubject.set(key, (byRecipientSubject.get(key) ?? 0) + 1);
    }
    expect([...byRecipientSubject.values()].every((n) => n === 1)).toBe(true);
    const emails = people.map((p) => p.user.email);
    const expected = [
      ...emails.map((to) => ({ to, subject: /Shot before/ })),
      ...emails.map((to) => ({ to, subject: /Shot during-1/ })),
      ...emails.slice(0, 2).map((to) => ({ to, subject: /Shot during-2/ })),
      { to: emails[0]!, subject: /^Your Concierge password was changed$/ },
      ...emails.slice(1, 3).map((to) => ({ to, subject: /^A new API key was created.*Render farm$/ })),
      ...emails.map((to) => ({ to, subject: /^Your daily digest: 1 update/ })),
    ];
    for (const want of expected) {
      const found = mails.filter((m) => toText(m) === want.to && want.subject.test(m.subject ?? ''));
      expect(
        found.map((m) => m.subject),
        `${want.to} ${want.subject}`,
      ).toHaveLength(1);
    }
    expect(mails).toHaveLength(expected.length);
  });
  it('emails being sent when the SMTP server goes down are retried, and each arrives once', async () => {
    const port = await freePort();
    let now = T0;
    const app = await testApp({
      engine,
      clock: () => new Date(now),
      config: {
        serviceTokens: [serviceToken],
        mail: {
          transport: 'smtp',
          smtp: { url: `smtp://127.0.0.1:${port}`, pool: true, maxConnections: 3 },
          outbox: { maxAttempts: 20, batchSize: 50 },
        },
      },
    });
    // The server goes down right after acknowledging the 5th message, with others on the wire.
    const sink = restartableSink(port, { afterAccept: (n) => n === 5 && void sink.stop() });
    cleanup(() => app.transport.close());
    await sink.start();
    const people = await Promise.all([0, 1, 2].map(() => signedInUser(app)));
    const events = Array.from({ length: 10 }, (_, i) => ({
      type: 'task.assigned',
      recipients: people.map((p) => p.user.username),
      title: `Shot ${i}`,
      idempotencyKey: `cut-${i}`,
    }));
    expect((await app.request('POST', '/api/v1/events', { events }, service)).status).toBe(202);

    const cut = await app.outbox.runOnce();
    expect(cut.sent).toBeGreaterThanOrEqual(5);
    expect(cut.retried, 'the rest failed when the server went away').toBeGreaterThan(0);
    expect(cut.sent + cut.retried).toBe(30);

    await sink.start();
    for (let run = 0; run < 10; run++) {
      now += 5 * 60_000;
      const report = await app.outbox.runOnce();
      if (report.sent + report.retried === 0) break;
    }
    const rows = await app.db.kysely.selectFrom('outbox').select(['id', 'status']).execute();
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    const mails = await sink.messages();
    const byMessageId = new Map<string, number>();
    for (const m of mails) byMessageId.set(m.messageId ?? '', (byMessageId.get(m.messageId ?? '') ?? 0) + 1);
    expect([...byMessageId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...byMessageId.keys()].sort()).toEqual(rows.map((r) => `<${r.id}@concierge.test>`).sort());
    const byRecipientSubject = new Set(mails.map((m) => `${toText(m)} | ${m.subject}`));
    expect(byRecipientSubject.size).toBe(30);
  });
});
