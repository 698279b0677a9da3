import { describe, expect, it } from 'vitest';
import { createRenderer } from './render.js';

const render = createRenderer('https://concierge.example');
// Dates arrive written for the owner (formatExactWithZone in the domain); the template only places them.
const data = {
  username: 'ada',
  keyName: 'Render farm <script>',
  prefix: 'cnc_abcd1234',
  when: '28 Nov 2026, 13:00 CET',
  expires: '26 Feb 2027, 13:00 CET',
  ip: '203.0.113.7',
  manageUrl: 'https://concierge.example/account/api-keys',
};

describe('the API key created notice', () => {
  it('names the key, its prefix, when, where from, and links to the key list', async () => {
    const email = await render({ template: 'api-key-created', to: 'ada@studio.example', data });
    expect(email.subject).toBe('A new API key was created for your account: Render farm <script>');
    expect(email.text).toContain('Render farm <script>');
    expect(email.text).toContain('cnc_abcd1234');
    expect(email.text).toContain('203.0.113.7');
    expect(email.text).toContain('on 28 Nov 2026, 13:00 CET');
    expect(email.text).toContain('expires on 26 Feb 2027, 13:00 CET');
    expect(email.text).toContain('cannot be switched off');
    expect(email.html).toContain('href="https://concierge.example/account/api-keys"');
    expect(email.html).not.toContain('<script>');
  });

  it('says the key does not expire, and leaves out an unknown address', async () => {
    const email = await render({
      template: 'api-key-created',
      to: 'ada@studio.example',
      data: { ...data, expires: null, ip: null },
    });
    expect(email.text).toContain('does not expire');
    expect(email.text).not.toContain('from the address');
  });
});
