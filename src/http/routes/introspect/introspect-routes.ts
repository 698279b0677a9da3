import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Introspection } from '../../../domain/accounts/api-keys-introspect.js';
import { hostPlatform } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { clientIp } from '../../client-ip.js';
import { problemResponses } from '../../problem.js';
import { validationHook } from '../../validation.js';

/** Resolves a token for the host platform (wired in src/compose). */
export type IntrospectService = (token: string, meta: { ip: string | null }) => Promise<Introspection>;

export const introspectBody = z
  .strictObject({ token: z.string().max(1024).meta({ description: 'An API key or a session token' }) })
  .meta({ id: 'IntrospectRequest' });

const introspectResult = z
  .object({
    active: z.boolean(),
    kind: z.enum(['api_key', 'session']).optional(),
    user: z
      .object({
        id: z.string(),
        username: z.string(),
        email: z.string(),
        firstName: z.string(),
        lastName: z.string(),
        role: z.enum(['user', 'admin']),
      })
      .optional(),
    expiresAt: z.iso
      .datetime()
      .nullable()
      .optional()
      .meta({ description: 'null: an API key without expiry' }),
  })
  .meta({ id: 'Introspection' });

const introspectRoute = (serviceTokens: readonly string[]) =>
  createRoute({
    method: 'post',
    path: '/api/v1/introspect',
    operationId: 'introspect',
    tags: ['host platform'],
    // Before the body is validated: a caller without a service token learns nothing about the body.
    ...hostPlatform(serviceTokens),
    summary:
      'Who does this token belong to? (service token required; unknown, expired or revoked: active false)',
    request: { body: { required: true, content: { 'application/json': { schema: introspectBody } } } },
    responses: {
      200: {
        description: 'The token and its owner',
        content: { 'application/json': { schema: introspectResult } },
      },
      ...problemResponses(400, 401, 413, 415),
    },
  });

/** The JSON answer for an introspection (also written by the fast path, introspect-fast-path.ts). */
export function introspectionBody(result: Introspection) {
  if (!result.active) return { active: false as const };
  return { ...result, expiresAt: result.expiresAt?.toISOString() ?? null };
}

export const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * POST /api/v1/introspect for the host platform. The hottest route of all, so it is a plain Hono route
 * that reads and checks its body itself, answering bad input exactly as the OpenAPI routes do (415 for
 * another content type, 400 `malformed_json`, 400 `validation_failed`): the validator layers of
 * app.openapi() (media-type gate, async validation, three more middleware hops) cost more than the
 * route's own work. The route is still described in the OpenAPI document.
 */
export function introspectRoutes(deps: {
  introspect: IntrospectService;
  serviceTokens: readonly string[];
  trustProxy: boolean;
}) {
  const app = new OpenAPIHono<AppEnv>();
  const route = introspectRoute(deps.serviceTokens);
  // Described without its middleware, which is not part of an OpenAPI operation.
  const { middleware, ...operation } = route;
  app.openAPIRegistry.registerPath(operation);
  app.post(route.path, ...middleware, async (c) => {
    if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      throw new HTTPException(415, { message: 'Unsupported Media Type' });
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new HTTPException(400, { message: 'Malformed JSON in request body' });
    }
    const parsed = introspectBody.safeParse(body);
    if (!parsed.success) return validationHook(parsed, c) as Response;
    const result = await deps.introspect(parsed.data.token, { ip: clientIp(c, deps.trustProxy) });
    return c.json(introspectionBody(result), 200);
  });
  return app;
}
