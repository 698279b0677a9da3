import { DomainError } from '../shared/errors.js';

/** `maxAttempts` within `windowMs` lock a key for `lockMs`. */
export interface ThrottleRule {
  readonly maxAttempts: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

/** Attempt counters in the database, so every replica sees the same numbers. Each call is atomic. */
export interface ThrottleStore {
  /** When the key is locked at `now`, the end of the lock; else null. */
  lockedUntil(key: string, now: Date): Promise<Date | null>;
  /** Counts one attempt and returns the count in the current window (a new window starts after `windowMs`). */
  hit(key: string, now: Date, windowMs: number): Promise<number>;
  /** Locks the key until `until` and resets its count; true only for the call that started this lock. */
  lock(key: string, now: Date, until: Date): Promise<boolean>;
  clear(key: string): Promise<void>;
}

/** Whole seconds until `until`, at least 1: the value of `Retry-After`. */
export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** "3 minutes", "1 minute", "45 seconds": how long to wait, for people. */
export function waitPhrase(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** True when `attempts` in the window reach the rule's limit. */
export function reachesLimit(attempts: number, rule: ThrottleRule): boolean {
  return attempts >= rule.maxAttempts;
}

/** Throws `too_many_requests` (with Retry-After) when `key` is locked; `reason` says why, for people. */
export async function assertNotLocked(
  store: ThrottleStore,
  key: string,
  now: Date,
  reason: (wait: string) => string,
): Promise<void> {
  const until = await store.lockedUntil(key, now);
  if (until === null) return;
  const seconds = retryAfterSeconds(until, now);
  throw new DomainError('too_many_requests', reason(waitPhrase(seconds)), { retryAfterSeconds: seconds });
}

/** Counts one attempt against `key`; `lockedNow` is true only for the attempt that started a lock. */
export async function recordAttempt(
  store: ThrottleStore,
  key: string,
  rule: ThrottleRule,
  now: Date,
): Promise<{ lockedNow: boolean; attempts: number }> {
  const attempts = await store.hit(key, now, rule.windowMs);
  if (!reachesLimit(attempts, rule)) return { lockedNow: false, attempts };
  const lockedNow = await store.lock(key, now, new Date(now.getTime() + rule.lockMs));
  return { lockedNow, attempts };
}

/** Throttle keys: one per account (or per unknown identifier, so both answer alike) and one per address. */
export const throttleKeys = {
  signInAccount: (subject: string) => `signin:account:${subject}`,
  signInIp: (ip: string) => `signin:ip:${ip}`,
  resetAccount: (subject: string) => `reset:account:${subject}`,
  resetIp: (ip: string) => `reset:ip:${ip}`,
  redirectStartIp: (ip: string) => `redirect-start:ip:${ip}`,
};
