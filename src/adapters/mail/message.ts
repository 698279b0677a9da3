import type { SendMailOptions } from 'nodemailer';
import type { QueuedEmail } from '../../domain/mail/deliver-outbox.js';

/** The nodemailer message for an outbox row; the Message-ID is derived from the row id, so a repeat is recognisable. */
export function toMessage(email: QueuedEmail, from: string, messageIdDomain: string): SendMailOptions {
  return {
    from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: preparedHeaders(email.headers),
    messageId: `<${email.id}@${messageIdDomain}>`,
  };
}

/**
 * Extra headers as written by their producer. nodemailer would RFC 2047-encode a whole List-Id or
 * List-Unsubscribe value (angle brackets and all), which mail clients then cannot read, so ASCII
 * values go out prepared (only folded); anything else is left to nodemailer's encoding.
 */
function preparedHeaders(headers: Readonly<Record<string, string>>) {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) =>
      /^[\x20-\x7e]*$/.test(value) ? [key, { prepared: true, foldLines: true, value }] : [key, value],
    ),
  );
}
