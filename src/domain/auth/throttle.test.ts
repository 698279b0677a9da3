import { describe, expect, it } from 'vitest';
import { reachesLimit, retryAfterSeconds, waitPhrase } from './throttle.js';

const rule = { maxAttempts: 10, windowMs: 600_000, lockMs: 600_000 };

describe('throttle arithmetic', () => {
  it('locks at the limit, not before', () => {
    expect(reachesLimit(9, rule)).toBe(false);
    expect(reachesLimit(10, rule)).toBe(true);
    expect(reachesLimit(11, rule)).toBe(true);
  });

  it('rounds Retry-After up to whole seconds and never answers 0', () => {
    const now = new Date(1_000_000);
    expect(retryAfterSeconds(new Date(1_000_000 + 600_000), now)).toBe(600);
    expect(retryAfterSeconds(new Date(1_000_000 + 1_500), now)).toBe(2);
    expect(retryAfterSeconds(new Date(1_000_000 + 1), now)).toBe(1);
    expect(retryAfterSeconds(new Date(1_000_000 - 5), now)).toBe(1);
  });

  it('says how long to wait in words a person reads', () => {
    expect(waitPhrase(1)).toBe('1 second');
    expect(waitPhrase(45)).toBe('45 seconds');
    expect(waitPhrase(60)).toBe('1 minute');
    expect(waitPhrase(61)).toBe('2 minutes');
    expect(waitPhrase(600)).toBe('10 minutes');
  });
});
