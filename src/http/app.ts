import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import type { Metrics } from '../adapters/metrics/metrics.js';
import type { Config } from '../config/schema.js';
import { DomainError } from '../domain/shared/errors.js';
import type { AppEnv } from './app-env.js';
import { type Authenticator, authenticate } from './middleware/authenticate.js';
import { bodyLimitProblem } from './middleware/body-limit.js';
import { csrfOrigin } from './middleware/csrf-origin.js';
import { requestLog } from './middleware/request-log.js';
import { problem, statusFor } from './problem.js';
import { assetsRoutes } from './routes/assets/assets-routes.js';
import { docsRoutes } from './routes/docs/docs-routes.js';
import { healthRoutes, type Readiness } from './routes/health/health-routes.js';
import { type SetupService, setupRoutes } from './routes/setup/setup-routes.js';
import { validationHook } from './validation.js';

/** Everything the HTTP layer needs, built by main.ts. */
export interface HttpDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly setup: SetupService;
  readonly authenticator: Authenticator;
}

/** Builds the Hono application: middleware, every feature's routes, errors as problem+json. */
export function createApp(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(requestLog({ logger: deps.logger, metrics: deps.metrics }));
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodProblem }));
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.use(bodyLimitProblem(deps.config.server.bodyLimitBytes));
  app.use(csrfOrigin(deps.config.server.publicUrl));
  app.use(
    authenticate({ authenticator: deps.authenticator, secureCookie: isHttps(deps.config.server.publicUrl) }),
  );

  app.route('/', healthRoutes({ readiness: deps.readiness, metrics: deps.metrics }));
  app.route('/', assetsRoutes());
  app.route('/', setupRoutes({ setup: deps.setup }));

  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Concierge API',
      version: '1',
      description:
        'Accounts, sign-in providers and notifications. Errors are application/problem+json with a stable `code`.',
    },
  });
  app.route('/', docsRoutes());

  app.notFound((c) =>
    problem(c, {
      status: 404,
      code: 'route_not_found',
      detail: `There is no ${c.req.method} ${c.req.path}. The API is described at /api/docs.`,
    }),
  );
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
    if (error instanceof HTTPException && error.status < 500) {
      const malformed = /malformed json/i.test(error.message);
      return problem(c, {
        status: error.status as 400,
        code: malformed ? 'malformed_json' : 'bad_request',
        detail: malformed
          ? 'The request body is not valid JSON.'
          : error.message || 'The request was not understood.',
      });
    }
    (c.get('logger') ?? deps.logger).error({ err: error }, 'unhandled error');
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
    detail: `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}.`,
    headers: { Allow: methods.join(', ') },
  });
}

/** Session cookies are Secure unless the service is reached over plain http (development). */
export function isHttps(publicUrl: string): boolean {
  return publicUrl.startsWith('https:');
}
