import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { problem } from '../problem.js';
import { authorizationAuthenticates } from './authenticate.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * DESIGN.md's CSRF rule: a cookie-carrying unsafe request must come from our own origin, whatever its
 * content type (Hono's csrf() checks only form types). Requests authenticated by an Authorization
 * header carry no ambient credential and are exempt, as is the token-authenticated /unsubscribe; on a
 * route where the cookie is what authenticates, an Authorization header beside it exempts nothing.
 */
export function csrfOrigin(publicUrl: string): MiddlewareHandler<AppEnv> {
  const ownOrigin = new URL(publicUrl).origin;
  return async function csrfOrigin(c, next) {
    if (!UNSAFE.has(c.req.method)) return next();
    if (c.req.header('authorization') !== undefined && authorizationAuthenticates(c.req.path)) return next();
    if (c.req.path === '/unsubscribe') return next();
    if (!(c.req.header('cookie') ?? '').includes('concierge_session')) return next();
    const origin = c.req.header('origin');
    if (origin === ownOrigin) return next();
    return problem(c, {
      status: 403,
      code: 'cross_origin_request',
      detail: `This request came from ${origin ?? 'an unknown origin'}, not from ${ownOrigin}. Reload Concierge and try again from its own pages.`,
    });
  };
}
