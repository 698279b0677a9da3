import { describe, expect, it } from 'vitest';
import { readCache } from './read-cache.js';

function setup(ttlMs = 5_000) {
  let now = 1_000_000;
  let epoch = 0;
  let loads = 0;
  const cache = readCache<{ v: number }>({ ttlMs, epoch: { current: () => epoch }, now: () => now });
  const load = (v: number | null) => async () => {
    loads++;
    return v === null ? null : { v };
  };
  return {
    cache,
    load,
    loads: () => loads,
    advance: (ms: number) => {
      now += ms;
    },
    write: () => {
      epoch++;
    },
    now: () => now,
  };
}

describe('readCache', () => {
  it('reuses a value until the TTL has passed, then reads again', async () => {
    const t = setup();
    expect(await t.cache.get('k', t.load(1))).toEqual({ v: 1 });
    t.advance(4_999);
    expect(await t.cache.get('k', t.load(2))).toEqual({ v: 1 });
    t.advance(1);
    expect(await t.cache.get('k', t.load(3))).toEqual({ v: 3 });
    expect(t.loads()).toBe(2);
  });

  it('drops everything as soon as this process writes', async () => {
    const t = setup();
    await t.cache.get('k', t.load(1));
    t.write();
    expect(await t.cache.get('k', t.load(2))).toEqual({ v: 2 });
  });

  it('does not keep a value read while a write happened', async () => {
    const t = setup();
    const first = await t.cache.get('k', async () => {
      t.write();
      return { v: 1 };
    });
    expect(first).toEqual({ v: 1 });
    expect(await t.cache.get('k', t.load(2))).toEqual({ v: 2 });
  });

  it('never caches null, and ends an entry at its own expiry when that comes first', async () => {
    const t = setup();
    expect(await t.cache.get('k', t.load(null))).toBeNull();
    expect(await t.cache.get('k', t.load(1))).toEqual({ v: 1 });
    const expiresAt = t.now() + 1_000;
    await t.cache.get('e', t.load(5), () => expiresAt);
    t.advance(1_000);
    expect(await t.cache.get('e', t.load(6), () => expiresAt)).toEqual({ v: 6 });
  });

  it('reads every time with a TTL of 0', async () => {
    const t = setup(0);
    await t.cache.get('k', t.load(1));
    expect(await t.cache.get('k', t.load(2))).toEqual({ v: 2 });
  });
});
