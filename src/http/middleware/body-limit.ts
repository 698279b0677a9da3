import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.js';
import { problem } from '../problem.js';

/**
 * Headers of every 413 that refuses a body without reading it all. The rest of that body is still on
 * its way, so the connection cannot carry another request and is closed once the answer is sent;
 * without `Connection: close` a keep-alive client would reuse it and see its next request reset. Closing is chosen over draining: reading megabytes we are refusing would cost the bandwidth and
 * time the limit exists to save, and a bounded drain still has to close past its bound (RFC 9112 §9.6).
 */
export const refusedBodyHeaders: Readonly<Record<string, string>> = { connection: 'close' };

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
        headers: refusedBodyHeaders,
      }),
  });
}
