import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { createRenderer } from '../../emails/render.js';
import { storesFor } from '../../src/adapters/db/stores.js';
import type { OutgoingEmail } from '../../src/domain/mail/email.js';
import { cleanup } from '../support/cleanup.js';
import { testApp } from '../support/test-app.js';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);

/** A clock the test moves by hand. */
function manualClock() {
  let now = T0;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** A port that was free a moment ago: nothing listens on it until the sink starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A real SMTP server on 127.0.0.1 that parses every message it accepts; `refuse` answers RCPT with 550. */
async function smtpSink(port: number, refuse: (address: string) => boolean = () => false) {
  const received: Promise<ParsedMail>[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse(address.address)) {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, _session, callback) {
      received.push(simpleParser(stream));
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    messages: () => Promise.all(received),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function enqueue(app: Awaited<ReturnType<typeof testApp>>, clock: () => Date, email: OutgoingEmail) {
  const stores = storesFor(app.db.kysely, createRenderer(app.publicUrl), clock);
  await stores.outbox.enqueue(email);
  const row = await app.db.kysely
    .selectFrom('outbox')
    .select('id')
    .where('to_address', '=', email.to)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function outboxRow(app: Awaited<ReturnType<typeof testApp>>, id: string) {
  return app.db.kysely.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('outbox delivery through SMTP', () => {
  it('retries while the SMTP server is down and delivers exactly once after it comes up', async () => {
    const port = await freePort();
    const time = manualClock();
    const app = await testApp({
      clock: time.clock,
      config: {
        mail: {
          transport: 'smtp',
          smtp: { url: `smtp://127.0.0.1:${port}`, pool: true },
          outbox: { maxAttempts: 5 },
        },
      },
    });
    const id = await enqueue(app, time.clock, {
      template: 'test',
      to: 'ada@studio.example',
      data: { message: 'Delivered once, after the outage' },
    });

    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    const failed = await outboxRow(app, id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: T0 + 30_000 });
    expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);

    const sink = await smtpSink(port);
    // The pool's idle connection must end first, or the sink waits for it to leave.
    cleanup(async () => {
      app.transport.close();
      await sink.close();
    });
    // The sink is up, but the retry is not due yet: nothing is sent before the backoff elapses.
    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(await sink.messages()).toHaveLength(0);

    time.advance(30_000);
    expect(await app.outbox.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    time.advance(24 * 60 * 60_000);
    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });

    const messages = await sink.messages();
    expect(messages).toHaveLength(1);
    const [mail] = messages;
    expect(mail?.messageId).toBe(`<${id}@concierge.test>`);
    expect(mail?.subject).toBe('Concierge test message');
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe('ada@studio.example');
    expect(mail?.text).toContain('Delivered once, after the outage');
    expect(mail?.html || '').toContain('Delivered once, after the outage');
    expect(mail?.html || '').toMatch(/<html/i);
    expect(await outboxRow(app, id)).toMatchObject({ status: 'sent', attempts: 1, sent_at: T0 + 30_000 });
  });

  it('carries extra headers such as List-Unsubscribe to the receiver', async () => {
    const port = await freePort();
    const time = manualClock();
    const sink = await smtpSink(port);
    cleanup(() => sink.close());
    const app = await testApp({
      clock: time.clock,
      config: { mail: { transport: 'smtp', smtp: { url: `smtp://127.0.0.1:${port}` } } },
    });
    await enqueue(app, time.clock, {
      template: 'test',
      to: 'grace@studio.example',
      data: { message: 'with headers' },
      headers: {
        'List-Unsubscribe': '<http://concierge.test/unsubscribe?token=abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    expect(await app.outbox.runOnce()).toMatchObject({ sent: 1 });
    const [mail] = await sink.messages();
    const lines = (mail?.headerLines ?? []).map((h) => h.line);
    expect(lines).toContain('List-Unsubscribe: <http://concierge.test/unsubscribe?token=abc>');
    expect(lines).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('marks an email the server refuses permanently as dead after the last attempt', async () => {
    const port = await freePort();
    const time = manualClock();
    const sink = await smtpSink(port, (address) => address.startsWith('nobody@'));
    cleanup(() => sink.close());
    const app = await testApp({
      clock: time.clock,
      config: {
        mail: { transport: 'smtp', smtp: { url: `smtp://127.0.0.1:${port}` }, outbox: { maxAttempts: 3 } },
      },
    });
    const id = await enqueue(app, time.clock, {
      template: 'test',
      to: 'nobody@studio.example',
      data: { message: 'x' },
    });

    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    time.advance(30_000);
    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    time.advance(60_000);
    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 0, dead: 1 });
    const row = await outboxRow(app, id);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, lease_owner: null });
    expect(row.last_error).toContain('550');
    time.advance(7 * 24 * 60 * 60_000);
    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(await sink.messages()).toHaveLength(0);
  });
});

describe('outbox delivery to files', () => {
  it('writes each email as <dataDir>/mail/<id>.eml, a message that parses', async () => {
    const time = manualClock();
    const app = await testApp({ clock: time.clock, config: { mail: { transport: 'file' } } });
    const id = await enqueue(app, time.clock, {
      template: 'setup-complete',
      to: 'admin@studio.example',
      data: { username: 'admin', loginUrl: 'http://concierge.test/login' },
    });
    expect(await app.outbox.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    const mail = await simpleParser(await readFile(join(app.dataDir, 'mail', `${id}.eml`)));
    expect(mail.messageId).toBe(`<${id}@concierge.test>`);
    expect(mail.subject).toBe('Concierge is ready');
    expect(mail.text).toContain('admin');
    expect(mail.html || '').toContain('http://concierge.test/login');
    expect(await outboxRow(app, id)).toMatchObject({ status: 'sent' });
  });

  it('retries when the mail folder cannot be created, and writes the file once it can', async () => {
    const time = manualClock();
    const app = await testApp({ clock: time.clock, config: { mail: { transport: 'file' } } });
    const blocker = join(app.dataDir, 'mail');
    await writeFile(blocker, 'a file where the mail folder should be');
    const id = await enqueue(app, time.clock, {
      template: 'test',
      to: 'ops@studio.example',
      data: { message: 'x' },
    });
    expect(await app.outbox.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    await rm(blocker);
    time.advance(30_000);
    expect(await app.outbox.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    const mail = await simpleParser(await readFile(join(app.dataDir, 'mail', `${id}.eml`)));
    expect(mail.messageId).toBe(`<${id}@concierge.test>`);
  });
});
