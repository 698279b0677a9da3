import { expect } from 'vitest';
import type { testApp } from './test-app.js';
import { jsonRequester, testOrigin } from './test-app.js';

export type App = Awaited<ReturnType<typeof testApp>>;

// Answers fetched through `checked` or `raw` fail the test when they hold anything that looks like a
// stack trace or an internal path: "no stack traces anywhere" is asserted on every response.
const STACK = /\bat [^\n]*:\d+:\d+|node_modules|\/src\/|\.ts:\d+/;

/** `jsonRequester` for `app`, checking every answer for stack traces. */
export function checked(app: App) {
  const request = jsonRequester(app.app);
  return async (...args: Parameters<typeof request>) => {
    const res = await request(...args);
    expect(res.text).not.toMatch(STACK);
    return res;
  };
}

/** `app.request` with a full RequestInit (streams, no Origin), checked the same way. */
export async function raw(app: App, path: string, init: RequestInit = {}) {
  const res = await app.app.request(`${testOrigin}${path}`, init);
  const text = await res.text();
  expect(text).not.toMatch(STACK);
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text.startsWith('{') ? JSON.parse(text) : undefined,
  };
}

/** A problem+json answer with this status and code. */
export function expectProblem(
  res: { status: number; headers: Headers; json: unknown },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status, code, detail: expect.any(String) });
}
