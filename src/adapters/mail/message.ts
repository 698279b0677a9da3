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
    headers: { ...email.headers },
    messageId: `<${email.id}@${messageIdDomain}>`,
  };
}
