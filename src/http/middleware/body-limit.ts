import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.js';
import { problem } from '../problem.js';

/** Refuses bodies over `maxSize` bytes with 413 before reading them whole. */
export function bodyLimitProblem(maxSize: number, advice = 'Send less data.'): MiddlewareHandler<AppEnv> {
  const mib = Math.round((maxSize / 1024 / 1024) * 10) / 10;
  return bodyLimit({
    maxSize,
    onError: (c) =>
      problem(c, {
        status: 413,
        code: 'body_too_large',
        detail: `The request body is larger than ${mib} MiB. ${advice}`,
      }),
  });
}
