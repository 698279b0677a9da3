import type { Clock } from '../shared/clock.js';

export interface QueuedEmail {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly attempts: number;
}

/** The outbox as the delivery job sees it: claim due rows, then settle each. */
export interface OutboxQueue {
  claim(limit: number, now: Date): Promise<QueuedEmail[]>;
  markSent(id: string, now: Date): Promise<void>;
  /** `retryAt` null marks the email dead. */
  markFailed(id: string, failure: { attempts: number; retryAt: Date | null; error: string }): Promise<void>;
}

export interface MailTransport {
  /** Sends one email; rejects when the server refused it or cannot be reached. */
  send(email: QueuedEmail): Promise<void>;
}

export interface DeliveryReport {
  readonly sent: number;
  readonly retried: number;
  readonly dead: number;
}

/** Delay before retry number `attempt` (1-based): 30 s doubling, capped at 6 hours. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 6 * 60 * 60 * 1000);
}

/**
 * Delivers one bounded batch of due emails. A crash between claim and settle leaves the rows leased;
 * once the lease expires another run sends them (at-least-once; the Message-ID is the outbox id, so
 * a receiver can drop the rare repeat).
 */
export async function deliverOutbox(
  deps: { queue: OutboxQueue; transport: MailTransport; clock: Clock },
  options: { batchSize: number; maxAttempts: number },
): Promise<DeliveryReport> {
  const batch = await deps.queue.claim(options.batchSize, deps.clock());
  // Sent side by side: the transport's pool bounds the connections, the batch size bounds memory.
  const outcomes = await Promise.all(batch.map((email) => deliverOne(deps, email, options.maxAttempts)));
  return {
    sent: outcomes.filter((o) => o === 'sent').length,
    retried: outcomes.filter((o) => o === 'retried').length,
    dead: outcomes.filter((o) => o === 'dead').length,
  };
}

async function deliverOne(
  deps: { queue: OutboxQueue; transport: MailTransport; clock: Clock },
  email: QueuedEmail,
  maxAttempts: number,
): Promise<'sent' | 'retried' | 'dead'> {
  try {
    await deps.transport.send(email);
  } catch (error) {
    const attempts = email.attempts + 1;
    const giveUp = attempts >= maxAttempts;
    const retryAt = giveUp ? null : new Date(deps.clock().getTime() + backoffMs(attempts));
    await deps.queue.markFailed(email.id, { attempts, retryAt, error: describe(error) });
    return giveUp ? 'dead' : 'retried';
  }
  await deps.queue.markSent(email.id, deps.clock());
  return 'sent';
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}
