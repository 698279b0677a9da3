import { describe, expect, it } from 'vitest';
import { createRenderer } from '../../../emails/render.js';
import type { NotificationEmailData } from '../../domain/notifications/notification-email.js';
import { notificationFiller } from './notification-mailer.js';

const render = createRenderer('https://concierge.example');

const base: NotificationEmailData = {
  typeLabel: 'Assigned to a task',
  title: 'Shot 010 <b>comp</b> & "lighting" \'quoted\'',
  preview: 'Shot 010 <b>comp</b> — look at {{cph:title}} & this',
  body: 'Line one <script>alert(1)</script>\nLine two & more',
  url: 'https://host.example/tasks/10?a=1&b=2',
  actor: 'Grace <prod>',
  project: 'Atlas & Co',
  when: '5 minutes ago',
  why: 'Because “you” asked.',
  settingsUrl: 'https://concierge.example/account/notifications',
  unsubscribeUrl: 'https://concierge.example/unsubscribe?token=abc.def',
};

describe('the notification filler', () => {
  const variants: [string, NotificationEmailData][] = [
    ['every part present', base],
    [
      'no body, link, actor, project or unsubscribe link',
      { ...base, body: null, url: null, actor: null, project: null, unsubscribeUrl: null },
    ],
    ['a preview as long as mail clients show', { ...base, preview: 'x'.repeat(150) }],
    ['an empty-looking preview', { ...base, preview: 'A' }],
  ];

  it.each(variants)('fills in exactly what rendering each email would give, with %s', async (_, data) => {
    const filled = await notificationFiller(render)({
      template: 'notification',
      to: 'ada@studio.example',
      data,
    });
    const direct = await render({ template: 'notification', to: 'ada@studio.example', data });
    expect(filled.html).toBe(direct.html);
    expect(filled.text).toBe(direct.text);
    expect(filled.subject).toBe(direct.subject);
    expect(filled.html).not.toContain('<script>');
  });

  it('renders each template shape once and reuses it for every email', async () => {
    let renders = 0;
    const counting = notificationFiller(async (email) => {
      renders++;
      return render(email);
    });
    const emails = Array.from({ length: 50 }, (_, i) => ({
      template: 'notification' as const,
      to: `u${i}@studio.example`,
      data: { ...base, title: `Title ${i}`, body: i % 2 ? null : `Body ${i}` },
    }));
    const out = await Promise.all(emails.map(counting));
    expect(renders).toBe(2);
    expect(out[7]!.subject).toBe('Assigned to a task: Title 7');
    expect(out[8]!.text).toContain('Body 8');
  });

  it('keeps a subject on one line whatever the title holds', async () => {
    const email = await notificationFiller(render)({
      template: 'notification',
      to: 'a@b.example',
      data: { ...base, title: 'one\r\nBcc: evil@example.com' },
    });
    expect(email.subject).toBe('Assigned to a task: one Bcc: evil@example.com');
  });
});
