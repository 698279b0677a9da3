import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from './app-env.js';
import { requireServiceToken } from './middleware/service-token.js';
import { problem } from './problem.js';
import { earlyHeader } from './response-header.js';

/**
 * Who may call an operation, declared next to each route (`...signedIn({ credentials: [...] })` in its
 * createRoute) and read from there by everything that needs it: the OpenAPI `security` of the
 * operation, the authenticate middleware (whether the Authorization header is read at all), the
 * cross-site check (whether an Authorization header is the credential) and the route's own guard.
 *
 * The rule for API keys (that of GitLab's personal access tokens): a key acts as its owner on their own account
 * (`/api/v1/me…`: profile, preferences, picture, notifications, inbox, digest, listing sessions and
 * keys), and may take access away (revoke keys, end one session or all of them), so a leaked key or a
 * stolen session can be killed from a script. What creates or changes a credential needs a signed-in
 * session: creating an API key, changing the password, changing the email address (where reset links
 * go; refused inside PATCH /me). Administrators' operations and pages need a session too.
 */
export type Credential = 'session' | 'apiKey';

/** The OpenAPI security schemes the declarations below name; `cookie` is the session cookie's name. */
export const securitySchemes = (cookie: string) =>
  ({
    sessionCookie: {
      type: 'apiKey',
      in: 'cookie',
      name: cookie,
      description:
        'The session cookie set by signing in. Unsafe requests carrying it must come from this ' +
        'service’s own origin (403 cross_origin_request).',
    },
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description: 'A personal API key (`cnc_…`, created on /account/api-keys), acting as its owner',
    },
    serviceToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'One of the service tokens in configuration (serviceTokens), for the host platform',
    },
  }) as const;

type Security = Array<Record<string, string[]>>;

/** What a route declares; found again through its guard by `declaredAccess`. */
export interface AccessDeclaration {
  /**
   * What the Authorization header is on this route: a person's API key (accepted, or read only to be
   * refused with 403 where a session is needed) or the host platform's service token.
   */
  readonly bearer?: 'apiKey' | 'refusedApiKey' | 'serviceToken';
  /** The request carries its own credential (a signed link's token), so it may come from any origin. */
  readonly signedLink?: true;
}

const DECLARATION = Symbol('access declaration');
type Guard = MiddlewareHandler<AppEnv> & { [DECLARATION]?: AccessDeclaration };

function tagged(guard: MiddlewareHandler<AppEnv>, declaration: AccessDeclaration): Guard {
  return Object.assign(guard, { [DECLARATION]: declaration });
}

/** The declaration of the route this request matched, if it has one (pages and public routes have none). */
export function declaredAccess(c: Context): AccessDeclaration | undefined {
  for (const route of matchedRoutes(c)) {
    const declaration = (route.handler as Guard)[DECLARATION];
    if (declaration) return declaration;
  }
  return undefined;
}

const SESSION_REQUIRED =
  'An API key cannot do this. Sign in to Concierge in a browser and do it on your account page.';

/**
 * A signed-in person (an administrator with `role: 'admin'`), proving it with one of `credentials`.
 * Their answers depend on who asks, so every one of them (errors too) is `Cache-Control: no-store`.
 * Spread into createRoute: `...signedIn({ credentials: ['session', 'apiKey'] })`.
 */
export function signedIn(options: { credentials: readonly Credential[]; role?: 'admin' }) {
  const keys = options.credentials.includes('apiKey');
  const sessions = options.credentials.includes('session');
  const guard: MiddlewareHandler<AppEnv> = async function signedIn(c, next) {
    earlyHeader(c, 'Cache-Control', 'no-store');
    const auth = c.get('auth');
    if (!auth) return problem(c, { status: 401, code: 'unauthenticated', detail: 'Sign in to continue.' });
    if (auth.via === 'api-key' && !keys) {
      return problem(c, { status: 403, code: 'session_required', detail: SESSION_REQUIRED });
    }
    if (auth.via === 'session' && !sessions) {
      return problem(c, { status: 401, code: 'unauthenticated', detail: 'Send an API key.' });
    }
    if (options.role === 'admin' && auth.user.role !== 'admin') {
      return problem(c, { status: 403, code: 'forbidden', detail: 'Only administrators can do this.' });
    }
    return next();
  };
  const security: Security = [];
  if (sessions) security.push({ sessionCookie: [] });
  if (keys) security.push({ apiKey: [] });
  // On a route for signed-in people an Authorization header is always the credential: an API key is
  // read and then accepted or refused (403), never silently passed over for the cookie beside it.
  const bearer = keys ? 'apiKey' : 'refusedApiKey';
  return { security, middleware: [tagged(guard, { bearer })] as [Guard] };
}

/** The host platform, with one of the configured service tokens (`Authorization: Bearer`). */
export function hostPlatform(tokens: readonly string[]) {
  const check = requireServiceToken(tokens);
  const guard: MiddlewareHandler<AppEnv> = async function hostPlatform(c, next) {
    earlyHeader(c, 'Cache-Control', 'no-store');
    return check(c, next);
  };
  return {
    security: [{ serviceToken: [] }] as Security,
    middleware: [tagged(guard, { bearer: 'serviceToken' })] as [Guard],
  };
}

/**
 * `Cache-Control: no-store` on every answer of a route that takes no credential but whose answer still
 * depends on who asks or carries a secret (sign-in, setup, pages and their redirects to /login).
 */
export const noStore: MiddlewareHandler<AppEnv> = async function noStore(c, next) {
  earlyHeader(c, 'Cache-Control', 'no-store');
  return next();
};

/**
 * A form a signed link posts to (`/unsubscribe`, RFC 8058 one-click): the link's token is the
 * credential, so the cross-site check lets it through whatever cookie comes along. Not cached either.
 */
export const signedLink: MiddlewareHandler<AppEnv> = tagged(
  async function signedLink(c, next) {
    earlyHeader(c, 'Cache-Control', 'no-store');
    return next();
  },
  { signedLink: true },
);

/** Anyone, signed in or not: no credential is needed (the OpenAPI document says `security: []`). */
export function anyone(options: { personal?: boolean } = {}) {
  if (!options.personal) return { security: [] as Security };
  return { security: [] as Security, middleware: [noStore] as [MiddlewareHandler<AppEnv>] };
}
