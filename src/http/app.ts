import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { Metrics } from '../adapters/metrics/metrics.js';
import type { AccountsService } from '../compose/accounts.js';
import type { Config } from '../config/schema.js';
import { DomainError } from '../domain/shared/errors.js';
import { securitySchemes } from './access.js';
import type { AppEnv } from './app-env.js';
import { allowedMethods } from './method-not-allowed.js';
import { type Authenticator, authenticate } from './middleware/authenticate.js';
import { bodyLimitProblem } from './middleware/body-limit.js';
import { csrfOrigin } from './middleware/csrf-origin.js';
import { requestId } from './middleware/request-id.js';
import { requestLog, requestLogger } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security-headers.js';
import { problem, statusFor } from './problem.js';
import { accountPages } from './routes/account-pages/account-pages.js';
import { adminUsersRoutes } from './routes/admin/admin-users-routes.js';
import { type ApiKeysService, apiKeysRoutes } from './routes/api-keys/api-keys-routes.js';
import { assetsRoutes } from './routes/assets/assets-routes.js';
import { authRoutes } from './routes/auth/auth-routes.js';
import { AVATAR_UPLOAD_PATH, type AvatarService, avatarRoutes } from './routes/avatars/avatar-routes.js';
import { type DigestService, digestRoutes } from './routes/digest/digest-routes.js';
import { docsRoutes } from './routes/docs/docs-routes.js';
import { healthRoutes, type Readiness } from './routes/health/health-routes.js';
import { type IntrospectService, introspectRoutes } from './routes/introspect/introspect-routes.js';
import { meRoutes } from './routes/me/me-routes.js';
import { notificationsRoutes } from './routes/notifications/notifications-routes.js';
import type { NotificationsService } from './routes/notifications/service.js';
import { type OidcSignInService, oidcRoutes } from './routes/oidc/oidc-routes.js';
import { type SetupService, setupRoutes } from './routes/setup/setup-routes.js';
import { sessionCookieName } from './session-cookie.js';
import { validationHook } from './validation.js';

/** Everything the HTTP layer needs, built by src/compose. */
export interface HttpDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly setup: SetupService;
  readonly authenticator: Authenticator;
  readonly accounts: AccountsService;
  /** OpenID Connect sign-in (browser redirects). */
  readonly oidc: OidcSignInService;
  readonly apiKeys: ApiKeysService;
  readonly avatars: AvatarService;
  readonly introspect: IntrospectService;
  readonly notifications: NotificationsService;
  readonly digests: DigestService;
}

const EVENTS_PATH = '/api/v1/events';
const EVENTS_BODY_LIMIT = 16 * 1024 * 1024;

/** Builds the Hono application: middleware, every feature's routes, errors as problem+json. */
export function createApp(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestId());
  app.use(requestLog({ logger: deps.logger, metrics: deps.metrics }));
  app.use(securityHeaders({ https: isHttps(deps.config.server.publicUrl) }));
  // The avatar upload is exempt: it counts its own 10 MiB limit while streaming (avatars/upload-limit.ts).
  // Requests without a body, or with a declared length within the limit (Node's parser holds the body to
  // it), pass without hono's bodyLimit, which reads `c.req.raw.body` and so turns every request into a
  // full fetch Request (~50 µs each); the answer is the same.
  // A full batch of events (1,000 events, bodies up to 10,000 characters) needs more than other routes:
  // it gets EVENTS_BODY_LIMIT, and its 413 says to split the batch.
  const maxBody = deps.config.server.bodyLimitBytes;
  const bodyLimit = bodyLimitProblem(maxBody);
  const eventsMax = Math.max(maxBody, EVENTS_BODY_LIMIT);
  const eventsLimit = bodyLimitProblem(eventsMax, 'Split the events into smaller batches.');
  app.use(function bodyLimitExceptAvatar(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (c.req.method === 'PUT' && c.req.path === AVATAR_UPLOAD_PATH) return next();
    const events = c.req.path === EVENTS_PATH;
    const max = events ? eventsMax : maxBody;
    const length = c.req.header('content-length');
    const declared = length !== undefined && c.req.header('transfer-encoding') === undefined;
    if (declared && Number(length) <= max) return next();
    return events ? eventsLimit(c, next) : bodyLimit(c, next);
  });
  app.use(csrfOrigin(deps.config.server.publicUrl));
  app.use(
    authenticate({
      authenticator: deps.authenticator,
      secureCookie: isHttps(deps.config.server.publicUrl),
      trustProxy: deps.config.server.trustProxy,
    }),
  );

  app.route('/', healthRoutes({ readiness: deps.readiness, metrics: deps.metrics }));
  app.route('/', assetsRoutes());
  app.route('/', setupRoutes({ setup: deps.setup }));
  const secureCookie = isHttps(deps.config.server.publicUrl);
  const trust = deps.config.server.trustProxy;
  app.route('/', authRoutes({ accounts: deps.accounts, secureCookie, trustProxy: trust }));
  app.route(
    '/',
    oidcRoutes({
      oidc: deps.oidc,
      publicUrl: deps.config.server.publicUrl.replace(/\/$/, ''),
      secureCookie,
      trustProxy: trust,
    }),
  );
  app.route('/', meRoutes({ accounts: deps.accounts }));
  app.route('/', adminUsersRoutes({ accounts: deps.accounts }));
  app.route('/', accountPages({ accounts: deps.accounts }));
  const { trustProxy } = deps.config.server;
  app.route('/', apiKeysRoutes({ apiKeys: deps.apiKeys, trustProxy }));
  app.route('/', avatarRoutes({ avatars: deps.avatars }));
  app.route(
    '/',
    introspectRoutes({ introspect: deps.introspect, serviceTokens: deps.config.serviceTokens, trustProxy }),
  );
  app.route(
    '/',
    notificationsRoutes({
      notifications: deps.notifications,
      serviceTokens: deps.config.serviceTokens,
      digests: deps.digests,
    }),
  );
  app.route('/', digestRoutes({ digests: deps.digests }));

  const schemes = securitySchemes(sessionCookieName(isHttps(deps.config.server.publicUrl)));
  for (const [name, scheme] of Object.entries(schemes)) {
    app.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
  }
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    servers: [{ url: deps.config.server.publicUrl.replace(/\/$/, ''), description: 'This Concierge' }],
    info: {
      title: 'Concierge API',
      version: '1',
      description:
        'Accounts, sign-in providers and notifications. Errors are application/problem+json with a stable `code`.',
    },
  });
  app.route('/', docsRoutes());

  const methodsFor = allowedMethods(app);
  app.notFound((c) => {
    const methods = methodsFor(c.req.path);
    if (methods.length > 0 && !methods.includes(c.req.method)) return methodProblem(c, methods);
    return problem(c, {
      status: 404,
      code: 'route_not_found',
      detail: `There is no ${c.req.method.slice(0, 20)} ${shownPath(c.req.path)}. The API is described at /api/docs.`,
    });
  });
  app.onError((error, c) => {
    if (error instanceof DomainError) {
      return problem(c, {
        status: statusFor(error.code),
        code: error.code,
        detail: error.message,
        ...(error.extra.issues ? { issues: error.extra.issues } : {}),
        ...(error.extra.retryAfterSeconds
          ? { headers: { 'Retry-After': String(error.extra.retryAfterSeconds) } }
          : {}),
      });
    }
    if (error instanceof HTTPException && error.status === 415) {
      return problem(c, {
        status: 415 as 400,
        code: 'unsupported_media_type',
        detail: 'Send the body as JSON, with the header Content-Type: application/json.',
      });
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's messages are for developers ("Malformed FormData request. URI malformed"): never shown.
      const [code, detail] = /malformed json/i.test(error.message)
        ? ['malformed_json', 'The request body is not valid JSON.']
        : /malformed formdata/i.test(error.message)
          ? [
              'malformed_form',
              'The request body is not a valid form. Send it as multipart/form-data with the boundary its Content-Type names.',
            ]
          : ['bad_request', 'The request was not understood. The API is described at /api/docs.'];
      return problem(c, { status: error.status as 400, code, detail });
    }
    (c.get('baseLogger') ? requestLogger(c) : deps.logger).error({ err: error }, 'unhandled error');
    return problem(c, {
      status: 500,
      code: 'internal_error',
      detail: 'Something went wrong on our side. Try again; if it keeps happening, tell your administrator.',
    });
  });
  return app;
}

function methodProblem(c: Context<AppEnv>, methods: string[]) {
  return problem(c, {
    status: 405 as 400,
    code: 'method_not_allowed',
    detail: `${c.req.method.slice(0, 20)} is not allowed on ${shownPath(c.req.path)}; use ${methods.join(', ')}.`,
    headers: { Allow: methods.join(', ') },
  });
}

// The path comes from the caller and may be kilobytes long: the answer names its start.
const shownPath = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

/** Session cookies are Secure unless the service is reached over plain http (development). */
export function isHttps(publicUrl: string): boolean {
  return publicUrl.startsWith('https:');
}
