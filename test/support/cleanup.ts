import { afterAll, onTestFinished } from 'vitest';

/**
 * Runs `fn` when the current test ends, or after the file when called outside a test (module top
 * level). vitest silently drops an `afterAll` registered inside a test or a `beforeAll`, so support
 * helpers use this instead.
 */
export function cleanup(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    afterAll(async () => {
      await fn();
    });
  }
}
