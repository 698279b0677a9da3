import { describe, expect, it } from 'vitest';
import { createRenderer } from './render.js';

const render = createRenderer('https://concierge.example');
const data = {
  username: 'ada',
  keyName: 'Render farm <script>',
  prefix: 'cnc_abcd1234',
  createdAt: '2026-11-28T12:00:00.000Z',
  expiresAt: '2027-02-26T12:00:00.000Z',
  ip: '203.0.113.7',
  timeZone: 'Europe/Stockholm',
  manageUrl: 'https://concierge.example/account/api-keys',
};

describe('the API key created notice', () => {
  it('names the key, its prefix, when, where from, and links to the key list', async () => {
    const email = await render({ template: 'api-key-created', to: 'ada@studio.example', data });
    expect(email.subject).toBe('A new API key was created for your account: Render farm <script>');
    expect(email.text).toContain('Render farm <script>');
    expect(email.text).toContain('cnc_abcd1234');
    expect(email.text).toContain('203.0.113.7');
    expect(email.text).toContain('28 November 2026 at 13:00');
    expect(email.text).toContain('expires on 26 February 2027');
    expect(email.text).toContain('cannot be switched off');
    expect(email.html).toContain('href="https://concierge.example/account/api-keys"');
    expect(email.html).not.toContain('<script>');
  });

  it('says the key does not expire and survives an unknown time zone', async () => {
    const email = await render({
      template: 'api-key-created',
      to: 'ada@studio.example',
      data: { ...data, expiresAt: null, ip: null, timeZone: 'Not/AZone' },
    });
    expect(email.text).toContain('does not expire');
    expect(email.text).toContain('2026-11-28 12:00 UTC');
    expect(email.text).not.toContain('from the address');
  });
});
