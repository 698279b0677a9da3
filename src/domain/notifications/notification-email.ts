import type { OutgoingEmail } from '../mail/email.js';
import type { NotificationType } from './catalog.js';
import { formatExactWithZone, formatWhen } from './date-format.js';
import type { SettingSource } from './preferences.js';
import type { Recipient } from './routing.js';

/** What the immediate notification email shows; every field is plain text. */
export interface NotificationEmailData {
  readonly typeLabel: string;
  readonly title: string;
  /** The inbox preview line: the title and the start of the body, at most 150 characters. */
  readonly preview: string;
  readonly body: string | null;
  /** Link to the thing in the host platform (http/https only). */
  readonly url: string | null;
  readonly actor: string | null;
  readonly project: string | null;
  /** When it happened, in the recipient's date style; always exact, with the zone, for security notices. */
  readonly when: string;
  /** Why this person got this email. */
  readonly why: string;
  readonly settingsUrl: string;
  /** Absent for locked (security) types, which cannot be left. */
  readonly unsubscribeUrl: string | null;
}

/** The event-level part of a notification, shared by all its recipients. */
export interface EventContent {
  readonly title: string;
  readonly body: string | null;
  readonly url: string | null;
  readonly actorName: string | null;
  readonly project: string | null;
  readonly occurredAt: Date;
  /** previewText() of the title and body. */
  readonly preview: string;
}

/** What mail clients show after the subject: title, then the body's first words, one line. */
export function previewText(title: string, body: string | null): string {
  const text = body ? `${title} — ${body}` : title;
  return text.replace(/\s+/g, ' ').slice(0, 150);
}

/** The sentence telling a recipient why the email came. */
export function whyText(type: NotificationType, source: SettingSource): string {
  if (type.locked || source === 'locked') {
    return `You got this email because it is a security notice (“${type.label}”). Security notices are always sent and cannot be switched off.`;
  }
  const how =
    source === 'user' ? 'you switched on email for' : 'email is on by default in this workspace for';
  return `You got this email because you are a recipient of this notification and ${how} “${type.label}” notifications.`;
}

/** The List-Id of one type's email stream (RFC 2919): a phrase and a dotted id. */
export function listId(type: NotificationType, domain: string): string {
  // ASCII only: a header value with other characters would be MIME-encoded whole.
  const phrase = type.label.replace(/[^\x20-\x7e]|["\\]/g, '').trim();
  const id = `<${type.type}.notifications.${domain}>`;
  return phrase ? `"${phrase}" ${id}` : id;
}

/** When it happened, as one recipient's email says it: exact with the zone for security notices. */
export function notificationWhen(
  type: NotificationType,
  occurredAt: Date,
  now: Date,
  prefs: Recipient['preferences'],
): string {
  // A security notice, like the account emails, says exactly when, whatever the fuzzy-date choice.
  return type.locked ? formatExactWithZone(occurredAt, prefs) : formatWhen(occurredAt, now, prefs);
}

/** The immediate email of one notification to one recipient, with RFC 8058 headers unless locked. */
export function notificationEmail(input: {
  type: NotificationType;
  content: EventContent;
  recipient: Recipient;
  emailSource: SettingSource;
  /** notificationWhen() for this recipient. */
  when: string;
  settingsUrl: string;
  unsubscribeUrl: string | null;
  listIdDomain: string;
}): OutgoingEmail & { template: 'notification' } {
  const { type, content, recipient } = input;
  const headers: Record<string, string> = { 'List-Id': listId(type, input.listIdDomain) };
  if (input.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${input.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    template: 'notification',
    to: recipient.email,
    headers,
    data: {
      typeLabel: type.label,
      title: content.title,
      preview: content.preview,
      body: content.body,
      url: content.url,
      actor: content.actorName,
      project: content.project,
      when: input.when,
      why: whyText(type, input.emailSource),
      settingsUrl: input.settingsUrl,
      unsubscribeUrl: input.unsubscribeUrl,
    },
  };
}

/** The immediate notification email's member of EmailModel. */
export type NotificationEmailModel = {
  readonly template: 'notification';
  readonly data: NotificationEmailData;
};
