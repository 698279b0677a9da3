import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../src/domain/mail/email.js';
import { createRenderer, templateNames } from './render.js';
import { samples } from './samples.js';

const render = createRenderer('https://concierge.example');

// Iterates the registry itself, so a template added there is covered without touching this file.
describe.each(templateNames)('the %s email', (template) => {
  it('has a sample in emails/samples.ts', () => {
    expect(samples[template], `add a sample for "${template}" to emails/samples.ts`).toBeDefined();
  });

  it('renders a subject, an HTML part in the shared layout and a non-empty text part', async () => {
    const data = samples[template];
    if (data === undefined) return; // reported by the test above
    const email = await render({ template, to: 'ada@studio.example', data } as OutgoingEmail);
    expect(email.subject.trim()).not.toBe('');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).toMatch(/^<!DOCTYPE html/i);
    expect(email.html).toContain('Sent by Concierge at');
    expect(email.text.trim()).not.toBe('');
    expect(email.text).not.toMatch(/<\/?(html|body|div|table|p)\b/i);
    expect(email.html).not.toMatch(/<(script|b|markup|prod)>/);
  });
});
