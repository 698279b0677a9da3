import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../../../domain/shared/errors.js';
import { anyone } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { clientIp, userAgent } from '../../client-ip.js';
import { requestLogger } from '../../middleware/request-log.js';
import { Layout } from '../../pages/layout.js';
import { statusFor } from '../../problem.js';
import { readDeviceCookie, writeDeviceCookie, writeSessionCookie } from '../../session-cookie.js';

/** What the OIDC routes need, built in src/compose/identity.ts. */
export interface OidcSignInService {
  /** The provider's authorization URL and the browser-binding secret for the cookie. */
  start(
    providerId: string,
    returnTo: string | undefined,
    meta: { ip: string | null },
  ): Promise<{ url: URL; browserToken: string }>;
  /** Checks the callback, signs the user in and returns the session to set and where to go. */
  finish(
    providerId: string,
    input: {
      callbackUrl: URL;
      browserToken: string | undefined;
      userAgent: string | null;
      ip: string | null;
      /** The browser's device cookie, if it sent one. */
      device: string | undefined;
    },
  ): Promise<{ token: string; expiresAt: Date; returnTo: string; device: string }>;
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const ATTEMPT_SECONDS = 10 * 60;

/**
 * GET /auth/oidc/{providerId}/start?returnTo=… and /callback: browser redirects, so failures answer
 * with a page saying what happened and what to do, not with JSON.
 */
export function oidcRoutes(deps: {
  oidc: OidcSignInService;
  publicUrl: string;
  secureCookie: boolean;
  trustProxy: boolean;
}) {
  const app = new OpenAPIHono<AppEnv>();
  documentRoutes(app);
  // SameSite=Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
  const cookieName = deps.secureCookie ? '__Secure-concierge_oidc' : 'concierge_oidc';
  const cookiePath = '/auth/oidc/';

  app.get('/auth/oidc/:providerId/start', async (c) => {
    const providerId = c.req.param('providerId');
    try {
      if (!PROVIDER_ID.test(providerId)) throw unknownProvider();
      const { url, browserToken } = await deps.oidc.start(providerId, c.req.query('returnTo'), {
        ip: clientIp(c, deps.trustProxy),
      });
      setCookie(c, cookieName, browserToken, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: deps.secureCookie,
        path: cookiePath,
        maxAge: ATTEMPT_SECONDS,
      });
      c.header('Cache-Control', 'no-store');
      return c.redirect(url.href, 302);
    } catch (error) {
      return problemPage(c, error);
    }
  });

  app.get('/auth/oidc/:providerId/callback', async (c) => {
    const providerId = c.req.param('providerId');
    const browserToken = getCookie(c, cookieName);
    deleteCookie(c, cookieName, { path: cookiePath, secure: deps.secureCookie });
    try {
      if (!PROVIDER_ID.test(providerId)) throw unknownProvider();
      // Rebuilt on the public origin: behind a reverse proxy the request URL is the internal one, and
      // the token request must repeat the exact redirect_uri of the authorization request.
      const query = new URL(c.req.url).search;
      const callbackUrl = new URL(`${deps.publicUrl}/auth/oidc/${providerId}/callback${query}`);
      const result = await deps.oidc.finish(providerId, {
        callbackUrl,
        browserToken,
        userAgent: userAgent(c),
        ip: clientIp(c, deps.trustProxy),
        device: readDeviceCookie(c, deps.secureCookie),
      });
      writeSessionCookie(c, result.token, result.expiresAt, deps.secureCookie);
      writeDeviceCookie(c, result.device, deps.secureCookie);
      c.header('Cache-Control', 'no-store');
      return c.redirect(result.returnTo, 302);
    } catch (error) {
      return problemPage(c, error);
    }
  });
  return app;
}

// Browser redirects answered with pages, so they are documented here rather than validated by zod:
// a bad parameter answers with a page saying what to do, not with problem+json.
function documentRoutes(app: OpenAPIHono<AppEnv>): void {
  const params = z.object({
    providerId: z.string().meta({ description: 'Id of an OpenID Connect provider' }),
  });
  const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/auth/oidc/{providerId}/start',
    operationId: 'startSingleSignOn',
    tags: ['auth'],
    ...anyone(),
    summary: 'Start single sign-on: redirect to the provider (PKCE, state, nonce)',
    request: {
      params,
      query: z.object({ returnTo: z.string().optional().meta({ description: 'A path on this service' }) }),
    },
    responses: {
      302: { description: 'To the provider; sets a short-lived cookie binding the attempt to this browser' },
      404: page('No such provider'),
      429: page('Too many sign-ins started from this address (auth.throttle.redirectStartIp); Retry-After'),
      503: page('The provider cannot be reached'),
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/auth/oidc/{providerId}/callback',
    operationId: 'finishSingleSignOn',
    tags: ['auth'],
    ...anyone(),
    summary: 'Where the provider sends the browser back: signs in and redirects to returnTo',
    request: { params },
    responses: {
      302: { description: 'Signed in (session cookie set); to returnTo, same origin only' },
      401: page('State unknown, used, expired or from another browser; the code or ID token was refused'),
      403: page('Not allowed: domain, unverified email, no account and none created automatically'),
      409: page('Another account already uses this email address'),
      503: page('The provider cannot be reached'),
    },
  });
}

function unknownProvider(): DomainError {
  return new DomainError(
    'not_found',
    'There is no such single sign-on provider. Use the buttons on the sign-in page.',
  );
}

function problemPage(c: Context<AppEnv>, error: unknown) {
  if (!(error instanceof DomainError)) throw error;
  requestLogger(c).info({ code: error.code, detail: error.extra.logDetail }, 'single sign-on refused');
  const status = statusFor(error.code) as ContentfulStatusCode;
  c.header('Cache-Control', 'no-store');
  if (error.extra.retryAfterSeconds) c.header('Retry-After', String(error.extra.retryAfterSeconds));
  return c.html(<SignInProblemPage message={error.message} code={error.code} />, status);
}

/** Why a single sign-on did not work, and what to do next. */
export function SignInProblemPage(props: { message: string; code: string }) {
  const title =
    props.code === 'provider_unavailable'
      ? 'Sign-in is unavailable right now'
      : props.code === 'forbidden' || props.code === 'account_disabled' || props.code === 'email_taken'
        ? 'Concierge cannot sign you in'
        : 'Sign-in did not complete';
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p class="error" role="alert" data-code={props.code}>
        {props.message}
      </p>
      <p>
        <a href="/login">Back to the sign-in page</a>
      </p>
    </Layout>
  );
}
