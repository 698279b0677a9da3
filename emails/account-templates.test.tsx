import { describe, expect, it } from 'vitest';
import type { AccountEmailModel } from '../src/domain/accounts/account-emails.js';
import { createRenderer } from './render.js';

const render = createRenderer('https://concierge.example');
const hostile = '<script>alert(1)</script>';

const samples: readonly (AccountEmailModel & { expect: readonly string[] })[] = [
  {
    template: 'password-reset',
    data: {
      username: hostile,
      resetUrl: 'https://concierge.example/reset-password?token=abc',
      validMinutes: 60,
      validUntil: '2 Jan 2026, 05:04 CET',
    },
    expect: [
      'https://concierge.example/reset-password?token=abc',
      '60 minutes (until 2 Jan 2026, 05:04 CET)',
    ],
  },
  {
    template: 'password-help',
    data: { username: 'ana', providerName: 'Studio directory', contact: 'IT helpdesk, it@studio.example' },
    expect: ['Studio directory', 'IT helpdesk, it@studio.example'],
  },
  {
    template: 'password-changed',
    data: {
      username: 'ana',
      when: '2 Jan 2026, 04:04 CET',
      how: 'changed',
      forgotUrl: 'https://concierge.example/forgot-password',
    },
    expect: ['changed on 2 Jan 2026, 04:04 CET', 'https://concierge.example/forgot-password'],
  },
  {
    template: 'email-verify',
    data: {
      username: 'ana',
      newEmail: 'new@studio.example',
      verifyUrl: 'https://concierge.example/verify-email?token=v',
      validHours: 24,
      validUntil: '3 Jan 2026, 04:04 CET',
    },
    expect: [
      'new@studio.example',
      'https://concierge.example/verify-email?token=v',
      '24 hours (until 3 Jan 2026, 04:04 CET)',
    ],
  },
  {
    template: 'email-changed',
    data: {
      username: 'ana',
      newEmail: 'new@studio.example',
      when: '2 Jan 2026, 04:04 CET',
      undoUrl: 'https://concierge.example/undo-email-change?token=u',
      validDays: 7,
      validUntil: '9 Jan 2026, 04:04 CET',
    },
    expect: [
      'new@studio.example',
      'On 2 Jan 2026, 04:04 CET',
      'https://concierge.example/undo-email-change?token=u',
      '7 days (until 9 Jan 2026, 04:04 CET)',
    ],
  },
  {
    template: 'account-locked',
    data: {
      username: 'ana',
      minutes: 10,
      when: '2 Jan 2026, 04:04 CET',
      lockedUntil: '2 Jan 2026, 04:14 CET',
      forgotUrl: 'https://concierge.example/forgot-password',
    },
    expect: [
      'On 2 Jan 2026, 04:04 CET',
      '10 minutes (until 2 Jan 2026, 04:14 CET)',
      'https://concierge.example/forgot-password',
    ],
  },
  {
    template: 'account-locked',
    data: {
      username: 'ana',
      minutes: 10,
      when: '2 Jan 2026, 04:04 CET',
      lockedUntil: '2 Jan 2026, 04:14 CET',
      managedBy: { providerName: 'Studio directory', contact: 'IT helpdesk, it@studio.example' },
    },
    expect: [
      '10 minutes (until 2 Jan 2026, 04:14 CET)',
      'Studio directory',
      'IT helpdesk, it@studio.example',
    ],
  },
  {
    template: 'invitation',
    data: {
      username: 'ana',
      invitedBy: 'boss',
      setPasswordUrl: 'https://concierge.example/reset-password?token=i',
      validDays: 7,
      validUntil: 'Jan 9, 2026, 3:04 AM UTC',
    },
    expect: [
      'boss',
      'https://concierge.example/reset-password?token=i',
      '7 days (until Jan 9, 2026, 3:04 AM UTC)',
    ],
  },
];

describe('account emails', () => {
  it.each(samples)('$template renders a subject, HTML and a text part carrying its facts', async (sample) => {
    const { expect: facts, ...model } = sample;
    const email = await render({ ...model, to: 'ana@studio.example' } as Parameters<typeof render>[0]);
    expect(email.subject.length).toBeGreaterThan(5);
    for (const fact of facts) {
      expect(email.text).toContain(fact);
      if (fact.startsWith('https://')) expect(email.html).toContain(`href="${fact}"`);
    }
    expect(email.html).not.toContain('<script>');
  });

  it('names who manages the password and carries no link to reset it', async () => {
    const email = await render({
      template: 'password-help',
      to: 'ana@studio.example',
      data: { username: 'ana', providerName: 'Studio directory', contact: 'the IT desk' },
    });
    expect(email.text).toContain('contact the IT desk');
    expect(email.text).not.toContain('reset-password');
  });
});
