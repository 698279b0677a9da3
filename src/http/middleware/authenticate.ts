import type { MiddlewareHandler } from 'hono';
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

/** Where `Authorization: Bearer` is the credential: personal API keys on /api/v1/me*, service tokens. */
export function authorizationAuthenticates(path: string): boolean {
  return path.startsWith('/api/v1/me') || path === '/api/v1/events' || path === '/api/v1/introspect';
}

/**
 * Works out who is calling and stores it in `c.var.auth`; never refuses by itself (routes use
 * `requireUser`). A bad bearer credential is answered at once with 401 saying what is wrong with it.
 */
export function authenticate(options: {
  authenticator: Authenticator;
  secureCookie: boolean;
  trustProxy?: boolean;
}): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    c.set('auth', undefined);
    const header = c.req.header('authorization');
    if (header !== undefined && c.req.path.startsWith('/api/v1/me')) {
      const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
      const ip = clientIp(c, options.trustProxy ?? false);
      const result = match?.[1] ? await options.authenticator.bearer(match[1], { ip }) : null;
      if (result === null || 'failure' in result) {
        return problem(c, {
          status: 401,
          code: 'unauthenticated',
          detail: result?.failure ?? 'The Authorization header does not hold a valid API key.',
          headers: { 'WWW-Authenticate': 'Bearer' },
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

/** 401 unless signed in; `sessionOnly` refuses API keys (creating keys, changing password or email). */
export function requireUser(options: { sessionOnly?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async function requireUser(c, next) {
    const auth = c.get('auth');
    if (!auth) {
      return problem(c, { status: 401, code: 'unauthenticated', detail: 'Sign in to continue.' });
    }
    if (options.sessionOnly && auth.via !== 'session') {
      return problem(c, {
        status: 403,
        code: 'session_required',
        detail:
          'An API key cannot do this. Sign in to Concierge in a browser and do it on your account page.',
      });
    }
    return next();
  };
}

/** 403 unless the signed-in user is an administrator. */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdmin(c, next) {
    const auth = c.get('auth');
    if (!auth) return problem(c, { status: 401, code: 'unauthenticated', detail: 'Sign in to continue.' });
    if (auth.user.role !== 'admin') {
      return problem(c, { status: 403, code: 'forbidden', detail: 'Only administrators can do this.' });
    }
    return next();
  };
}
