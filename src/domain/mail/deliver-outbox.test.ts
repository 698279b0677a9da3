import { describe, expect, it } from 'vitest';
import { backoffMs, deliverOutbox, type OutboxQueue, type QueuedEmail } from './deliver-outbox.js';

const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;

describe('backoffMs', () => {
  it.each([
    [1, 30 * SECOND],
    [2, 60 * SECOND],
    [3, 120 * SECOND],
    [4, 240 * SECOND],
    [10, 30 * SECOND * 512],
  ])('waits %i attempt(s) → %i ms, doubling from 30 seconds', (attempt, ms) => {
    expect(backoffMs(attempt)).toBe(ms);
  });

  it('never waits more than 6 hours, however many attempts failed', () => {
    expect(backoffMs(11)).toBe(6 * HOUR);
    expect(backoffMs(50)).toBe(6 * HOUR);
    expect(backoffMs(5000)).toBe(6 * HOUR);
  });

  it('treats a zero or negative attempt as the first', () => {
    expect(backoffMs(0)).toBe(30 * SECOND);
    expect(backoffMs(-3)).toBe(30 * SECOND);
  });
});

/** An in-memory queue: the port's contract is proven against both databases in test/integration. */
function memoryQueue(emails: QueuedEmail[]) {
  const settled: {
    id: string;
    how: 'sent' | 'failed';
    attempts?: number;
    retryAt?: Date | null;
    error?: string;
  }[] = [];
  const queue: OutboxQueue = {
    async claim(limit) {
      return emails.splice(0, limit);
    },
    async markSent(id) {
      settled.push({ id, how: 'sent' });
    },
    async markFailed(id, failure) {
      settled.push({ id, how: 'failed', ...failure });
    },
  };
  return { queue, settled };
}

const email = (id: string, attempts = 0): QueuedEmail => ({
  id,
  to: `${id}@studio.example`,
  subject: 's',
  html: '<p>h</p>',
  text: 'h',
  headers: {},
  attempts,
});

describe('deliverOutbox', () => {
  const now = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
  const clock = () => now;

  it('schedules the retry of a failed email by its attempt count and marks it dead at the last attempt', async () => {
    const { queue, settled } = memoryQueue([email('first'), email('third', 2), email('last', 7)]);
    const transport = {
      async send() {
        throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      },
    };
    const report = await deliverOutbox({ queue, transport, clock }, { batchSize: 10, maxAttempts: 8 });
    expect(report).toEqual({ sent: 0, retried: 2, dead: 1 });
    expect(settled).toEqual([
      {
        id: 'first',
        how: 'failed',
        attempts: 1,
        retryAt: new Date(now.getTime() + 30 * SECOND),
        error: 'connect ECONNREFUSED 127.0.0.1:25',
      },
      {
        id: 'third',
        how: 'failed',
        attempts: 3,
        retryAt: new Date(now.getTime() + 120 * SECOND),
        error: 'connect ECONNREFUSED 127.0.0.1:25',
      },
      { id: 'last', how: 'failed', attempts: 8, retryAt: null, error: 'connect ECONNREFUSED 127.0.0.1:25' },
    ]);
  });

  it('marks sent what the transport accepted, and only claims one batch', async () => {
    const { queue, settled } = memoryQueue([email('a'), email('b'), email('c')]);
    const sent: string[] = [];
    const transport = {
      async send(e: QueuedEmail) {
        sent.push(e.id);
      },
    };
    expect(await deliverOutbox({ queue, transport, clock }, { batchSize: 2, maxAttempts: 3 })).toEqual({
      sent: 2,
      retried: 0,
      dead: 0,
    });
    expect(sent).toEqual(['a', 'b']);
    expect(settled.map((s) => [s.id, s.how])).toEqual([
      ['a', 'sent'],
      ['b', 'sent'],
    ]);
  });

  it('keeps a long or non-Error failure short in the stored error', async () => {
    const { queue, settled } = memoryQueue([email('x')]);
    const transport = {
      async send() {
        throw 'x'.repeat(5000);
      },
    };
    await deliverOutbox({ queue, transport, clock }, { batchSize: 1, maxAttempts: 1 });
    expect(settled[0]?.error).toHaveLength(1000);
    expect(settled[0]?.retryAt).toBeNull();
  });
});
