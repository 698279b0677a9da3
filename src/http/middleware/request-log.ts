import type { Context, MiddlewareHandler } from 'hono';
import { type Logger, pino } from 'pino';

const silent = pino({ enabled: false });

import type { Metrics } from '../../adapters/metrics/metrics.js';
import type { AppEnv } from '../app-env.js';

/** One log line per request (method, route, status, ms, request id) and the duration histogram. */
export function requestLog(options: { logger: Logger; metrics: Metrics }): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = performance.now();
    const requestId = c.get('requestId');
    c.set('baseLogger', options.logger);
    await next();
    const ms = performance.now() - started;
    // The matched route pattern, not the raw path: ids and tokens never reach the logs or metric labels.
    const route = c.res.status === 404 && c.req.routePath === '/*' ? '(unmatched)' : c.req.routePath;
    options.metrics.observeRequest(c.req.method, route, c.res.status, ms / 1000);
    options.logger.info(
      { requestId, method: c.req.method, route, status: c.res.status, ms: Math.round(ms * 10) / 10 },
      'request',
    );
  };
}

/** A logger whose lines carry the request id; made on demand (a pino child per request costs). */
export function requestLogger(c: Context<AppEnv>): Logger {
  // Routes mounted without the request log (some tests) get a logger that writes nothing.
  return (c.get('baseLogger') ?? silent).child({ requestId: c.get('requestId') });
}
