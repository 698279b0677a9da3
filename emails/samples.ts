import type { EmailModel, TemplateName } from '../src/domain/mail/email.js';

type DataOf<T extends TemplateName> = Extract<EmailModel, { template: T }>['data'];

/**
 * Sample data for every template in the registry (emails/render.tsx): render.test.tsx renders each one,
 * so a new template needs a sample here. Hostile strings on purpose: the HTML must escape them.
 * Partial only so a template still being written does not break the typecheck; the test fails for a
 * template without a sample.
 */
export const samples: { readonly [T in TemplateName]?: DataOf<T> } = {
  'setup-complete': { username: 'ada<b>', loginUrl: 'https://concierge.example/login' },
  test: { message: 'A test message with <markup> & "quotes"' },
  notification: {
    typeLabel: 'Assigned to a task',
    title: 'Shot 010 <b>comp</b> & "lighting"',
    preview: 'Shot 010 <b>comp</b> & "lighting" — Please look at the edge.',
    body: 'Please look at the <script>alert(1)</script> edge.\nSecond line.',
    url: 'https://host.example/tasks/10?a=1&b=2',
    actor: 'Grace <prod>',
    project: 'Atlas',
    when: '5 minutes ago',
    why: 'You got this email because email is on for “Assigned to a task”.',
    settingsUrl: 'https://concierge.example/account/notifications',
    unsubscribeUrl: 'https://concierge.example/unsubscribe?token=abc.def',
  },
  'api-key-created': {
    username: 'ada',
    keyName: 'Render farm <script>',
    prefix: 'cnc_abcd1234',
    when: '28 Nov 2026, 13:00 CET',
    expires: null,
    ip: '203.0.113.7',
    manageUrl: 'https://concierge.example/account/api-keys',
  },
  'password-reset': {
    username: 'ada<b>',
    resetUrl: 'https://concierge.example/reset-password?token=tok',
    validMinutes: 60,
    validUntil: '28 Nov 2026, 14:00 CET',
  },
  'password-help': { username: 'ada', providerName: 'Studio <directory>', contact: 'IT helpdesk & friends' },
  'password-changed': {
    username: 'ada',
    when: '28 Nov 2026, 13:00 CET',
    how: 'changed',
    forgotUrl: 'https://concierge.example/forgot-password',
  },
  'email-verify': {
    username: 'ada',
    newEmail: 'ada+new@studio.example',
    verifyUrl: 'https://concierge.example/verify-email?token=tok',
    validHours: 24,
    validUntil: '29 Nov 2026, 13:00 CET',
  },
  'email-changed': {
    username: 'ada',
    newEmail: 'ada+new@studio.example',
    when: '28 Nov 2026, 13:00 CET',
    undoUrl: 'https://concierge.example/undo-email?token=tok',
    validDays: 7,
    validUntil: '5 Dec 2026, 13:00 CET',
  },
  'account-locked': {
    username: 'ada',
    minutes: 15,
    when: '28 Nov 2026, 13:00 CET',
    lockedUntil: '28 Nov 2026, 13:15 CET',
    forgotUrl: 'https://concierge.example/forgot-password',
  },
  invitation: {
    username: 'grace',
    invitedBy: 'Ada <script>',
    setPasswordUrl: 'https://concierge.example/reset-password?token=tok',
    validDays: 7,
    validUntil: 'Dec 5, 2026, 12:00 PM UTC',
  },
  digest: {
    frequency: 'daily',
    name: 'Ada',
    summary: '2 updates in 1 project',
    content: {
      total: 2,
      shown: 2,
      more: 0,
      projects: [
        {
          name: 'Atlas <prod>',
          count: 2,
          types: [
            {
              type: 'status.changed',
              label: 'Status changed',
              count: 2,
              more: 0,
              items: [
                {
                  id: 'n1',
                  title: 'Shot 010 "approved" & delivered',
                  url: 'https://host.example/shots/10?a=1&b=2',
                  occurredAt: 1_700_000_000_000,
                  when: 'at 09:00',
                },
                {
                  id: 'n2',
                  title: 'Shot 020 needs review',
                  url: null,
                  occurredAt: 1_700_000_060_000,
                  when: 'at 09:01',
                },
              ],
            },
          ],
        },
      ],
    },
    inboxUrl: 'https://concierge.example/inbox',
    settingsUrl: 'https://concierge.example/account/notifications',
    unsubscribeUrl: 'https://concierge.example/unsubscribe?token=tok',
  },
};
