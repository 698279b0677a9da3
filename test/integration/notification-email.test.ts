import { createServer } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '../../src/domain/notifications/unsubscribe-token.js';
import { cleanup } from '../support/cleanup.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const serviceToken = 'host-platform-token-0123456789abcdef0123456789';
const NOW = Date.parse('2026-11-28T12:00:00Z');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A real SMTP server on 127.0.0.1 that parses every message it accepts. */
async function smtpSink() {
  const port = await freePort();
  const received: Promise<ParsedMail>[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      received.push(simpleParser(stream));
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port,
    messages: () => Promise.all(received),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function setup() {
  const sink = await smtpSink();
  const app = await testApp({
    clock: () => new Date(NOW),
    config: {
      serviceTokens: [serviceToken],
      mail: { transport: 'smtp', smtp: { url: `smtp://127.0.0.1:${sink.port}`, pool: false } },
    },
  });
  cleanup(async () => {
    app.transport.close();
    await sink.close();
  });
  const ada = await signedInUser(app, {
    username: 'ada',
    email: 'ada@studio.example',
    preferences: { fuzzyDates: false, timeZone: 'Europe/Stockholm', locale: 'en-GB' },
  });
  await signedInUser(app, { username: 'grace', firstName: 'Grace', lastName: 'Hopper' });
  return { app, sink, ada };
}

const header = (mail: ParsedMail, name: string) =>
  mail.headerLines
    .find((h) => h.key === name.toLowerCase())
    ?.line.replace(/^[^:]+:\s*/, '')
    .replace(/\r?\n\s+/g, ' ');

async function postAndDeliver(
  app: Awaited<ReturnType<typeof testApp>>,
  sink: Awaited<ReturnType<typeof smtpSink>>,
  event: object,
) {
  const res = await app.request('POST', '/api/v1/events', event, { authorization: `Bearer ${serviceToken}` });
  expect(res.status).toBe(202);
  await app.outbox.runOnce();
  return sink.messages();
}

describe('the immediate notification email, received by a real SMTP server', () => {
  it('carries the label, title, body, link, who and when in the recipient’s style, why, and a link to the settings', async () => {
    const { app, sink } = await setup();
    const [mail] = await postAndDeliver(app, sink, {
      type: 'task.assigned',
      recipients: ['ada'],
      title: 'Shot 010 <comp> & "lighting"',
      body: 'Please take over.\nThe matte edge needs work.',
      url: 'https://host.example/tasks/10?a=1&b=2',
      actor: 'grace',
      project: 'Atlas',
      occurredAt: '2026-11-28T09:05:00Z',
      idempotencyKey: 'mail-1',
    });
    expect(mail!.to).toMatchObject({ text: 'ada@studio.example' });
    expect(mail!.subject).toBe('Assigned to a task: Shot 010 <comp> & "lighting"');
    const text = mail!.text!;
    expect(text).toContain('Assigned to a task');
    expect(text).toContain('Shot 010 <comp> & "lighting"');
    expect(text).toContain('Please take over.\nThe matte edge needs work.');
    expect(text).toContain('Open: https://host.example/tasks/10?a=1&b=2');
    // Exact date in Stockholm time (UTC+1 in November), by Grace Hopper, in Atlas.
    expect(text).toContain('28 Nov 2026, 10:05 · by Grace Hopper · in Atlas');
    expect(text).toContain('email is on by default in this workspace for “Assigned to a task”');
    expect(text).toContain('Change your notification settings: http://concierge.test/account/notifications');
    const html = mail!.html as string;
    expect(html).toContain('Shot 010 &lt;comp&gt; &amp; &quot;lighting&quot;');
    expect(html).not.toContain('<comp>');
    expect(html).toContain('href="https://host.example/tasks/10?a=1&amp;b=2"');
    expect(html).toContain('href="http://concierge.test/account/notifications"');
  });

  it('shows each recipient of one event its date in their own style: relative, or exact in their zone and locale', async () => {
    const { app, sink } = await setup();
    await signedInUser(app, {
      username: 'fuzzy',
      email: 'fuzzy@studio.example',
      preferences: { fuzzyDates: true, timeZone: 'Asia/Tokyo', locale: 'en' },
    });
    await signedInUser(app, {
      username: 'nyc',
      email: 'nyc@studio.example',
      preferences: { fuzzyDates: false, timeZone: 'America/New_York', locale: 'en-US' },
    });
    await signedInUser(app, {
      username: 'sven',
      email: 'sven@studio.example',
      preferences: { fuzzyDates: false, timeZone: 'Europe/Stockholm', locale: 'sv-SE' },
    });
    const occurredAt = '2026-11-28T09:05:00Z';
    const messages = await postAndDeliver(app, sink, {
      type: 'task.assigned',
      recipients: ['ada', 'fuzzy', 'nyc', 'sven'],
      title: 'Shot 020 needs a look',
      project: 'Atlas',
      occurredAt,
      idempotencyKey: 'mail-dates',
    });
    const to = (address: string) => {
      const found = messages.filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === address);
      expect(found).toHaveLength(1);
      return { text: found[0]!.text ?? '', html: (found[0]!.html || '') as string };
    };
    // Independent of the code under test: Intl with the documented style (medium date, short time),
    // checked by hand below on plain spaces (ICU may use a no-break space before AM/PM).
    const exact = (locale: string, timeZone: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
        new Date(occurredAt),
      );
    const expected = {
      // Posted at 12:00Z, three hours after it happened; the zone plays no part in a relative date.
      'fuzzy@studio.example': '3 hours ago',
      // 09:05Z is 10:05 in Stockholm (CET) and 04:05 in New York (EST) on 28 November.
      'ada@studio.example': exact('en-GB', 'Europe/Stockholm'),
      'nyc@studio.example': exact('en-US', 'America/New_York'),
      'sven@studio.example': exact('sv-SE', 'Europe/Stockholm'),
    };
    expect(Object.values(expected).map((s) => s.replace(/\s/g, ' '))).toEqual([
      '3 hours ago',
      '28 Nov 2026, 10:05',
      'Nov 28, 2026, 4:05 AM',
      '28 nov. 2026 10:05',
    ]);
    expect(messages).toHaveLength(4);
    for (const [address, when] of Object.entries(expected)) {
      const mail = to(address);
      expect(mail.text).toContain(`\nShot 020 needs a look\n${when} · in Atlas\n`);
      expect(mail.html).toContain(when);
      // Nobody's email carries another recipient's rendering of the date.
      for (const other of Object.values(expected)) {
        if (other !== when) expect(`${mail.text}${mail.html}`).not.toContain(other);
      }
    }
  });

  it('has List-Id, an RFC 8058 List-Unsubscribe and List-Unsubscribe-Post, and the link unsubscribes in one click', async () => {
    const { app, sink, ada } = await setup();
    const [mail] = await postAndDeliver(app, sink, {
      type: 'mention',
      recipients: ['ada'],
      title: 'You were mentioned',
      idempotencyKey: 'mail-2',
    });
    expect(header(mail!, 'List-Id')).toBe('"Mentioned" <mention.notifications.concierge.test>');
    expect(header(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const link = /^<(http:\/\/concierge\.test\/unsubscribe\?token=[\w.-]+)>$/.exec(
      header(mail!, 'List-Unsubscribe') ?? '',
    );
    expect(link).not.toBeNull();
    expect(mail!.text).toContain(`Stop these emails: ${link![1]}`);

    // GET shows a confirmation and changes nothing.
    const url = new URL(link![1]!);
    const page = await app.app.request(url.toString());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop e-mails about “Mentioned”?');
    const settings = async () =>
      (
        await app.request('GET', '/api/v1/me/notification-settings', undefined, { cookie: ada.cookie })
      ).json.types.find((t: { type: string }) => t.type === 'mention').channels;
    expect((await settings()).email).toBe(true);

    // The mail provider's one-click POST: no session, no Origin, a form body.
    const post = await app.app.request(url.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect(await settings()).toEqual({ inbox: true, email: false, digest: false });

    // The next mention reaches the inbox but sends no email.
    const res = await app.request(
      'POST',
      '/api/v1/events',
      { type: 'mention', recipients: ['ada'], title: 'Again', idempotencyKey: 'mail-3' },
      { authorization: `Bearer ${serviceToken}` },
    );
    expect(res.json.deliveries).toEqual({ inbox: 1, email: 0, digest: 0 });
  });

  it('sends security notices without an unsubscribe link, saying they cannot be switched off', async () => {
    const { app, sink } = await setup();
    const mails = await postAndDeliver(app, sink, {
      type: 'security.new-sign-in',
      recipients: ['ada', 'grace'],
      title: 'New sign-in from Firefox',
      idempotencyKey: 'mail-4',
    });
    const mail = mails.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'ada@studio.example');
    expect(header(mail!, 'List-Unsubscribe')).toBeUndefined();
    expect(header(mail!, 'List-Id')).toContain('security.new-sign-in.notifications.concierge.test');
    expect(mail!.text).toContain('cannot be switched off');
    // Exact, with the zone's name: Ada's Stockholm time in en-GB; Grace chose nothing (fuzzy dates, UTC,
    // English) and still gets the exact time, not "now".
    expect(mail!.text).toContain('\n28 Nov 2026, 13:00 CET\n');
    expect(mail!.html).toContain('28 Nov 2026, 13:00 CET');
    const toGrace = mails.find((m) => m !== mail);
    expect(toGrace!.text).toContain('\nNov 28, 2026, 12:00 PM UTC\n');
    expect(toGrace!.html).toContain('Nov 28, 2026, 12:00 PM UTC');
  });

  it('answers a tampered token, another user’s forged token and a missing token with 4xx and changes nothing', async () => {
    const { app, ada } = await setup();
    const grace = await signedInUser(app);
    const signer = await app.notifications.signer();
    const good = signUnsubscribeToken(signer, ada.user.id, { kind: 'type', type: 'mention' });
    const [, signature] = good.split('.');
    const forged = `${Buffer.from(`u1|${grace.user.id}|type:mention`).toString('base64url')}.${signature}`;
    const otherKey = signUnsubscribeToken({ mac: () => new Uint8Array(32) }, ada.user.id, {
      kind: 'type',
      type: 'mention',
    });
    for (const token of [`${good}x`, forged, otherKey, '', 'garbage']) {
      const res = await app.app.request(
        `http://concierge.test/unsubscribe?token=${encodeURIComponent(token)}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        },
      );
      expect(res.status).toBe(400);
      expect(
        (await app.app.request(`http://concierge.test/unsubscribe?token=${encodeURIComponent(token)}`))
          .status,
      ).toBe(400);
    }
    expect(await app.db.kysely.selectFrom('notification_preferences').selectAll().execute()).toEqual([]);
    const locked = signUnsubscribeToken(signer, ada.user.id, { kind: 'type', type: 'security.new-sign-in' });
    expect(
      (await app.app.request(`http://concierge.test/unsubscribe?token=${locked}`, { method: 'POST' })).status,
    ).toBe(409);
  });

  it('turns the digest off with a digest-stream token', async () => {
    const { app, ada } = await setup();
    const token = signUnsubscribeToken(await app.notifications.signer(), ada.user.id, { kind: 'digest' });
    const before = await app.request('GET', '/api/v1/me/notification-settings', undefined, {
      cookie: ada.cookie,
    });
    expect(before.json.nextDigestAt).toEqual(expect.any(String));
    const get = await app.app.request(`http://concierge.test/unsubscribe?token=${token}`);
    expect(await get.text()).toContain('Stop the digest e-mail?');
    const post = await app.app.request(`http://concierge.test/unsubscribe?token=${token}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(post.status).toBe(200);
    const s = await app.request('GET', '/api/v1/me/notification-settings', undefined, { cookie: ada.cookie });
    expect(s.json.digest.frequency).toBe('off');
    // The digest schedule follows at once: no next digest.
    expect(s.json.nextDigestAt ?? null).toBeNull();
  });
});
