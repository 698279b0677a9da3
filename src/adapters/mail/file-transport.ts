import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailTransport } from '../../domain/mail/deliver-outbox.js';
import { toMessage } from './message.js';

/** Development transport: writes each email as `<dir>/<outbox id>.eml` instead of sending it. */
export function fileTransport(options: {
  dir: string;
  from: string;
  messageIdDomain: string;
}): MailTransport & {
  close(): void;
} {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let ready: Promise<unknown> | undefined;
  return {
    async send(email) {
      // A failed mkdir (permissions fixed later) must not fail every later send: forget it and retry.
      ready ??= mkdir(options.dir, { recursive: true }).catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      const info = await transporter.sendMail(toMessage(email, options.from, options.messageIdDomain));
      await writeFile(join(options.dir, `${email.id}.eml`), info.message as Buffer);
    },
    close: () => transporter.close(),
  };
}
