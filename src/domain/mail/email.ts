import type { AccountEmailModel } from '../accounts/account-emails.js';
import type { ApiKeyEmailModel } from '../accounts/api-keys.js';
import type { DigestEmailModel } from '../notifications/digest-assembly.js';
import type { NotificationEmailModel } from '../notifications/notification-email.js';
import type { EmailLink } from './email-links.js';

/**
 * What the domain asks to be emailed: a template name and the plain data it needs. Rendering to
 * subject, HTML and text happens in `emails/`, when the email is written to the outbox (notification
 * emails and emails with a one-time link: when it is sent, from the fields stored with it).
 * Each feature adds its own members to this union.
 */
export type EmailModel =
  | {
      readonly template: 'setup-complete';
      readonly data: { readonly username: string; readonly loginUrl: string };
    }
  | { readonly template: 'test'; readonly data: { readonly message: string } }
  | AccountEmailModel
  | ApiKeyEmailModel
  | DigestEmailModel
  | NotificationEmailModel;

export type TemplateName = EmailModel['template'];

export type OutgoingEmail = EmailModel & {
  readonly to: string;
  /** Extra headers, e.g. List-Unsubscribe for notification streams. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The one-time link of an account email (email-links.ts): its URL field then holds the link without
   * the token value, and `validUntil` is written when the token is minted, at delivery.
   */
  readonly link?: EmailLink;
};

/** Appends an email to the outbox, inside the caller's transaction; a job delivers it. */
export interface Outbox {
  enqueue(email: OutgoingEmail): Promise<void>;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}
