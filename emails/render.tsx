/** @jsxImportSource react */
import { render, toPlainText } from '@react-email/render';
import type { ReactElement } from 'react';
import type { EmailModel, OutgoingEmail, RenderedEmail } from '../src/domain/mail/email.js';
import { SetupComplete } from './setup-complete.js';
import { TestMessage } from './test-message.js';

type Entry<T extends EmailModel['template']> = {
  subject(data: Extract<EmailModel, { template: T }>['data']): string;
  component(data: Extract<EmailModel, { template: T }>['data'], publicUrl: string): ReactElement;
};

// One entry per template: the subject line and the component. Adding a member to EmailModel without
// an entry here is a type error.
const templates: { [T in EmailModel['template']]: Entry<T> } = {
  'setup-complete': {
    subject: () => 'Concierge is ready',
    component: (data, publicUrl) => <SetupComplete data={data} publicUrl={publicUrl} />,
  },
  test: {
    subject: () => 'Concierge test message',
    component: (data, publicUrl) => <TestMessage data={data} publicUrl={publicUrl} />,
  },
};

/** Renders an email to subject, HTML and a text part derived from the same HTML. */
export function createRenderer(publicUrl: string) {
  return async function renderEmail(email: OutgoingEmail): Promise<RenderedEmail> {
    const entry = templates[email.template] as Entry<typeof email.template>;
    // biome-ignore lint/suspicious/noExplicitAny: the mapped type above pairs each template with its data
    const data = email.data as any;
    const html = await render(entry.component(data, publicUrl));
    return { subject: entry.subject(data), html, text: toPlainText(html) };
  };
}
