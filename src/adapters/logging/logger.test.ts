import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from './logger.js';

/** A logger writing into an array, one parsed JSON object per line. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines, raw: () => JSON.stringify(lines) };
}

const SECRET = 'hunter2-S3CRET-value';

describe('the logger', () => {
  it.each([
    ['a password', { password: SECRET }],
    [
      'a current, new and confirmation password',
      { currentPassword: SECRET, newPassword: SECRET, confirmPassword: SECRET },
    ],
    ['a token', { token: SECRET }],
    ['an API key', { apiKey: SECRET, key: SECRET }],
    ['a cookie and an Authorization header', { cookie: SECRET, authorization: SECRET }],
    ['a request body one level down', { body: { password: SECRET, token: SECRET, newPassword: SECRET } }],
    ['request headers', { headers: { cookie: SECRET, authorization: SECRET, 'set-cookie': SECRET } }],
    ['nested request headers', { req: { headers: { cookie: SECRET, authorization: SECRET } } }],
    ['response cookies', { res: { headers: { 'set-cookie': SECRET } } }],
    [
      'provider secrets',
      {
        bindPassword: SECRET,
        clientSecret: SECRET,
        provider: { bindPassword: SECRET, clientSecret: SECRET },
      },
    ],
    ['a user object with a password', { user: { username: 'ada', password: SECRET } }],
    ['headers as Node spells them', { req: { headers: { Authorization: SECRET, Cookie: SECRET } } }],
    ['a secret deep down', { a: { b: { c: { d: { token: SECRET } } } } }],
    ['secrets in an array', { providers: [{ id: 'ldap', bindPassword: SECRET }] }],
  ])('redacts %s', (_what, fields) => {
    const { logger, raw } = capture();
    logger.info(fields, 'something happened');
    expect(raw()).not.toContain(SECRET);
    expect(raw()).toContain('[redacted]');
  });

  it('keeps what is not secret, and never alters the logged object', () => {
    const { logger, lines } = capture();
    const fields = {
      requestId: 'r1',
      method: 'POST',
      route: '/api/v1/setup',
      status: 400,
      user: { password: SECRET },
    };
    logger.info(fields, 'request');
    expect(lines[0]).toMatchObject({
      requestId: 'r1',
      method: 'POST',
      route: '/api/v1/setup',
      status: 400,
      service: 'concierge',
    });
    expect(fields.user.password).toBe(SECRET);
  });

  it('hands an object without secrets on untouched, without copying it', () => {
    const line = { requestId: 'r1', method: 'GET', route: '/api/v1/me', status: 200, ms: 0.4 };
    expect(redactSecrets(line)).toBe(line);
  });
});
