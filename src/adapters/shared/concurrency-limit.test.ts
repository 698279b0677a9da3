import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from './concurrency-limit.js';

/** A task that records how many run at once and finishes when told. */
function probe() {
  let now = 0;
  let most = 0;
  const finishers: (() => void)[] = [];
  const task = () =>
    new Promise<void>((resolve) => {
      now++;
      most = Math.max(most, now);
      finishers.push(() => {
        now--;
        resolve();
      });
    });
  return { task, finishOne: () => finishers.shift()?.(), most: () => most, running: () => now };
}

const ticks = () => new Promise((resolve) => setImmediate(resolve));

describe('concurrencyLimit', () => {
  it('never runs more than max while callers keep arriving as slots free up', async () => {
    const limit = concurrencyLimit(2);
    const p = probe();
    const all = [limit(p.task), limit(p.task), limit(p.task)];
    await ticks();
    expect(p.running()).toBe(2);
    for (let i = 0; i < 10; i++) {
      // A slot frees up and, in the same turn, a new caller arrives: the one waiting longest runs next.
      p.finishOne();
      all.push(limit(p.task));
      await ticks();
      expect(p.running()).toBe(2);
    }
    while (p.running() > 0) {
      p.finishOne();
      await ticks();
    }
    await Promise.all(all);
    expect(p.most()).toBe(2);
  });

  it('runs waiters in arrival order and passes results and errors through', async () => {
    const limit = concurrencyLimit(1);
    const order: number[] = [];
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        limit(async () => {
          order.push(n);
          if (n === 2) throw new Error('two');
          return n;
        }),
      ),
    );
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'two',
      3,
    ]);
  });
});
