import type { MiddlewareHandler } from 'hono';
import { declaredAccess } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { problem } from '../problem.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * DESIGN.md's CSRF rule: a cookie-carrying unsafe request must come from our own origin, whatever its
 * content type (Hono's csrf() checks only form types). A request whose Authorization header is the
 * credential carries no ambient credential and is exempt: where the route's declaration (access.ts)
 * says the header is read, the cookie beside it is never used. Elsewhere an Authorization header
 * exempts nothing. A form a signed link posts to (`signedLink`, /unsubscribe) is exempt too.
 */
export function csrfOrigin(publicUrl: string): MiddlewareHandler<AppEnv> {
  const ownOrigin = new URL(publicUrl).origin;
  return async function csrfOrigin(c, next) {
    if (!UNSAFE.has(c.req.method)) return next();
    if (!(c.req.header('cookie') ?? '').includes('concierge_session')) return next();
    const origin = c.req.header('origin');
    if (origin === ownOrigin) return next();
    const declared = declaredAccess(c);
    if (declared?.signedLink) return next();
    if (c.req.header('authorization') !== undefined && declared?.bearer) return next();
    return problem(c, {
      status: 403,
      code: 'cross_origin_request',
      detail: `This request came from ${origin ?? 'an unknown origin'}, not from ${ownOrigin}. Reload Concierge and try again from its own pages.`,
    });
  };
}
