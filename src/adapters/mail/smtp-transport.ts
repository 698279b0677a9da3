import nodemailer from 'nodemailer';
import type { MailTransport } from '../../domain/mail/deliver-outbox.js';
import { toMessage } from './message.js';

export interface SmtpOptions {
  readonly url: string;
  readonly from: string;
  readonly messageIdDomain: string;
  readonly pool: boolean;
  readonly maxConnections: number;
}

/** Sends through an SMTP server, pooled by default; `close()` ends the pool's connections. */
export function smtpTransport(options: SmtpOptions): MailTransport & { close(): void } {
  const url = new URL(options.url);
  if (options.pool) url.searchParams.set('pool', 'true');
  url.searchParams.set('maxConnections', String(options.maxConnections));
  const transporter = nodemailer.createTransport(url.toString());
  return {
    async send(email) {
      await transporter.sendMail(toMessage(email, options.from, options.messageIdDomain));
    },
    close: () => transporter.close(),
  };
}
