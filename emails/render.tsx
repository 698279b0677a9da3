/** @jsxImportSource react */
import { render, toPlainText } from '@react-email/render';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { EmailModel, OutgoingEmail, RenderedEmail } from '../src/domain/mail/email.js';
import { accountTemplates } from './account-templates.js';
import { ApiKeyCreated } from './api-key-created.js';
import { Digest, digestSubject, digestText } from './digest.js';
import { Notification, notificationSubject, notificationText } from './notification.js';
import { SetupComplete } from './setup-complete.js';
import { TestMessage } from './test-message.js';

type Entry<T extends EmailModel['template']> = {
  subject(data: Extract<EmailModel, { template: T }>['data']): string;
  component(data: Extract<EmailModel, { template: T }>['data'], publicUrl: string): ReactElement;
  /** A hand-written text part (large emails: toPlainText costs more than rendering); else derived from the HTML. */
  text?(data: Extract<EmailModel, { template: T }>['data'], publicUrl: string): string;
  /**
   * Render with React's synchronous renderToStaticMarkup instead of react-email's streaming render:
   * about 3× faster, for large templates sent in bulk (digests). Only for templates without async
   * components or images.
   */
  staticMarkup?: true;
};

// One entry per template: the subject line and the component. Adding a member to EmailModel without
// an entry here is a type error.
const templates: { [T in EmailModel['template']]: Entry<T> } = {
  'setup-complete': {
    subject: () => 'Concierge is ready',
    component: (data, publicUrl) => <SetupComplete data={data} publicUrl={publicUrl} />,
  },
  'api-key-created': {
    subject: (data) => `A new API key was created for your account: ${data.keyName}`,
    component: (data, publicUrl) => <ApiKeyCreated data={data} publicUrl={publicUrl} />,
  },
  digest: {
    subject: digestSubject,
    component: (data, publicUrl) => <Digest data={data} publicUrl={publicUrl} />,
    text: digestText,
    staticMarkup: true,
  },
  ...accountTemplates,
  notification: {
    subject: notificationSubject,
    component: (data, publicUrl) => <Notification data={data} publicUrl={publicUrl} />,
    text: notificationText,
  },
  test: {
    subject: () => 'Concierge test message',
    component: (data, publicUrl) => <TestMessage data={data} publicUrl={publicUrl} />,
  },
};

/** Every template in the registry (the render test renders each with its sample from samples.ts). */
export const templateNames = Object.keys(templates) as EmailModel['template'][];

// The doctype react-email's render puts on every email, so both ways of rendering produce the same kind of document.
const XHTML_DOCTYPE =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/** Renders an email to subject, HTML and a text part derived from the same HTML. */
export function createRenderer(publicUrl: string) {
  return async function renderEmail(email: OutgoingEmail): Promise<RenderedEmail> {
    const entry = templates[email.template] as Entry<typeof email.template>;
    // biome-ignore lint/suspicious/noExplicitAny: the mapped type above pairs each template with its data
    const data = email.data as any;
    const element = entry.component(data, publicUrl);
    const html = entry.staticMarkup
      ? `${XHTML_DOCTYPE}${renderToStaticMarkup(element)}`
      : await render(element);
    const text = entry.text ? entry.text(data, publicUrl) : toPlainText(html);
    return { subject: entry.subject(data), html, text };
  };
}
