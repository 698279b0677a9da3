import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { deferCleanup, freePort } from './processes.js';

/** A received message, reduced to what the exactly-once checks count. */
export interface SunkMail {
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
}

/**
 * A real SMTP server on 127.0.0.1 for the server processes to send to; every accepted message is parsed
 * (mailparser) and kept. Stopped after the test file.
 */
export async function smtpSink(): Promise<{
  url: string;
  /** Every message accepted so far, parsed. */
  messages(): Promise<SunkMail[]>;
  /** How many messages were accepted so far (cheap, for polling). */
  count(): number;
}> {
  const port = await freePort();
  const received: SunkMail[] = [];
  const parsing = new Set<Promise<void>>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // The killed servers' pooled connections are cut at once when the file ends.
    closeTimeout: 1,
    onData(stream, _session, callback) {
      const parsed = simpleParser(stream).then(
        (mail) => {
          received.push(reduce(mail));
        },
        // A sender killed in the middle of DATA got no 250: the message was not delivered.
        () => {},
      );
      parsing.add(parsed);
      void parsed.finally(() => parsing.delete(parsed));
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  deferCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `smtp://127.0.0.1:${port}`,
    async messages() {
      await Promise.all([...parsing]);
      return [...received];
    },
    count: () => received.length,
  };
}

function reduce(mail: ParsedMail): SunkMail {
  return {
    messageId: mail.messageId ?? '',
    to: mail.to && !Array.isArray(mail.to) ? mail.to.text : '',
    subject: mail.subject ?? '',
  };
}

/** How often each value occurs. */
export function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Polls `condition` until it holds (each check waits `everyMs`); throws naming `what` after `tries`. */
export async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  options: { everyMs?: number; tries?: number } = {},
): Promise<void> {
  const tries = options.tries ?? 600;
  for (let i = 0; i < tries; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}
