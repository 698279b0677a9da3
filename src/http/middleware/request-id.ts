import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { earlyHeader } from '../response-header.js';

const ACCEPTED = /^[\w\-=]{1,255}$/;

/** The caller's X-Request-Id when it is a plain token, else a new UUID. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming !== undefined && ACCEPTED.test(incoming) ? incoming : crypto.randomUUID();
}

/**
 * `c.var.requestId`: the caller's X-Request-Id when it is a plain token, else a new UUID; echoed in the
 * response. Like hono's requestId(), but served by Node the header goes straight onto Node's response:
 * a route answering with c.json() then needs no Headers object at all, the cheapest path through
 * @hono/node-server.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return function requestId(c, next) {
    const id = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', id);
    earlyHeader(c, 'X-Request-Id', id);
    return next();
  };
}
