import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OutboxQueue, QueuedEmail } from '../domain/mail/deliver-outbox.js';
import { outboxJob } from './outbox-job.js';

const email = (id: string): QueuedEmail => ({
  id,
  to: `${id}@studio.example`,
  subject: 's',
  html: '<p>h</p>',
  text: 'h',
  headers: {},
  attempts: 0,
});

/** An in-memory queue of `count` emails; the store itself is proven on both databases in test/integration. */
function memoryQueue(count: number) {
  const waiting = Array.from({ length: count }, (_, i) => email(`e${i}`));
  const sent: string[] = [];
  const queue: OutboxQueue = {
    claim: async (limit) => waiting.splice(0, limit),
    markSent: async (id) => {
      sent.push(id);
    },
    markFailed: async () => {},
  };
  return { queue, sent, waiting };
}

function job(queue: OutboxQueue, onSend: () => void = () => {}) {
  return outboxJob({
    queue,
    transport: { send: async () => onSend() },
    clock: () => new Date(Date.UTC(2026, 0, 1)),
    logger: pino({ level: 'silent' }),
    schedule: '*/5 * * * * *',
    batchSize: 10,
    maxAttempts: 3,
    maxBatches: 5,
  });
}

describe('the outbox job', () => {
  it('delivers batch after batch until the outbox is empty', async () => {
    const { queue, sent } = memoryQueue(25);
    expect(await job(queue).runOnce()).toEqual({ sent: 25, retried: 0, dead: 0 });
    expect(sent).toHaveLength(25);
  });

  it('stops after maxBatches, leaving the rest for the next run', async () => {
    const { queue, waiting } = memoryQueue(80);
    expect(await job(queue).runOnce()).toMatchObject({ sent: 50 });
    expect(waiting).toHaveLength(30);
  });

  it('on shutdown finishes and settles the batch in hand, then stops', async () => {
    const { queue, sent, waiting } = memoryQueue(35);
    const stopping = new AbortController();
    const report = await job(queue, () => stopping.abort()).runOnce(stopping.signal);
    expect(report).toEqual({ sent: 10, retried: 0, dead: 0 });
    expect(sent).toHaveLength(10);
    expect(waiting).toHaveLength(25);
  });
});
