import type { Context, MiddlewareHandler } from 'hono';
import { type Logger, pino } from 'pino';
import type { Metrics } from '../../adapters/metrics/metrics.js';
import type { AppEnv } from '../app-env.js';

const silent = pino({ enabled: false });

interface AnsweredRequest {
  readonly requestId: string;
  readonly method: string;
  /** The matched route pattern, never the raw path. */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
}

/** Records an answered request: its log line (at info) and the duration histogram. */
export function requestRecorder(options: { logger: Logger; metrics: Metrics }): (r: AnsweredRequest) => void {
  // The level is fixed for the process: above info, skip building each line's object.
  const logs = options.logger.isLevelEnabled('info');
  return ({ requestId, method, route, status, ms }) => {
    options.metrics.observeRequest(method, route, status, ms / 1000);
    if (logs) {
      options.logger.info({ requestId, method, route, status, ms: Math.round(ms * 10) / 10 }, 'request');
    }
  };
}

/** One log line per request (method, route, status, ms, request id) and the duration histogram. */
export function requestLog(options: { logger: Logger; metrics: Metrics }): MiddlewareHandler<AppEnv> {
  const record = requestRecorder(options);
  return async function requestLog(c, next) {
    const started = performance.now();
    const requestId = c.get('requestId');
    c.set('baseLogger', options.logger);
    await next();
    const ms = performance.now() - started;
    // The matched route pattern, not the raw path: ids and tokens never reach the logs or metric labels.
    const { status } = c.res;
    const routePath = c.req.routePath;
    const route = status === 404 && routePath === '/*' ? '(unmatched)' : routePath;
    record({ requestId, method: c.req.method, route, status, ms });
  };
}

/** A logger whose lines carry the request id; made on demand (a pino child per request costs). */
export function requestLogger(c: Context<AppEnv>): Logger {
  // Routes mounted without the request log (some tests) get a logger that writes nothing.
  return (c.get('baseLogger') ?? silent).child({ requestId: c.get('requestId') });
}
