import type { MiddlewareHandler } from 'hono';
import { declaredAccess } from '../access.js';
import type { AppEnv, AuthContext } from '../app-env.js';
import { clientIp } from '../client-ip.js';
import { problem } from '../problem.js';
import { readSessionCookie, writeSessionCookie } from '../session-cookie.js';

/** Why a presented credential was refused, in words for its owner ("This API key expired on …"). */
export interface AuthFailure {
  readonly failure: string;
}

export interface Authenticator {
  /** Resolves a session token; `renewedUntil` asks for a refreshed cookie. */
  session(token: string): Promise<(AuthContext & { renewedUntil?: Date }) | null>;
  /** Resolves an `Authorization: Bearer` credential (personal API key); `ip` is recorded as its last use. */
  bearer(token: string, meta: { ip: string | null }): Promise<AuthContext | AuthFailure | null>;
}

/**
 * Works out who is calling and stores it in `c.var.auth`; never refuses by itself (each route's
 * declaration in access.ts does). The Authorization header is read only on routes for signed-in people
 * (their declaration says so); elsewhere the session cookie is all that counts. A bad API key is
 * answered at once with 401 saying what is wrong with it.
 */
export function authenticate(options: {
  authenticator: Authenticator;
  secureCookie: boolean;
  trustProxy?: boolean;
}): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    c.set('auth', undefined);
    const header = c.req.header('authorization');
    const bearer = header === undefined ? null : declaredAccess(c)?.bearer;
    if (header !== undefined && (bearer === 'apiKey' || bearer === 'refusedApiKey')) {
      const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
      const ip = clientIp(c, options.trustProxy ?? false);
      const result = match?.[1] ? await options.authenticator.bearer(match[1], { ip }) : null;
      if (result === null || 'failure' in result) {
        return problem(c, {
          status: 401,
          code: 'unauthenticated',
          detail: result?.failure ?? 'The Authorization header does not hold a valid API key.',
          headers: { 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' },
        });
      }
      c.set('auth', result);
      return next();
    }
    const token = readSessionCookie(c, options.secureCookie);
    if (token) {
      const auth = await options.authenticator.session(token);
      if (auth) {
        c.set('auth', auth);
        if (auth.renewedUntil) writeSessionCookie(c, token, auth.renewedUntil, options.secureCookie);
      }
    }
    return next();
  };
}
