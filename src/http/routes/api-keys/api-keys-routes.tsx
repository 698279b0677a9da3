import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ApiKey, NewApiKeyInput } from '../../../domain/accounts/api-keys.js';
import { MAX_EXPIRES_IN_DAYS, MAX_KEY_NAME } from '../../../domain/accounts/api-keys.js';
import type { Preferences } from '../../../domain/accounts/user.js';
import { noStore, signedIn } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { clientIp } from '../../client-ip.js';
import { problemResponses } from '../../problem.js';
import { plainText } from '../me/me-schemas.js';
import { ApiKeysPage } from './api-keys-page.js';

/** What the API key routes need, wired in src/compose. */
export interface ApiKeysService {
  list(userId: string): Promise<ApiKey[]>;
  create(
    userId: string,
    input: NewApiKeyInput,
    meta: { ip: string | null },
  ): Promise<{ key: string; apiKey: ApiKey }>;
  revoke(userId: string, id: string): Promise<void>;
  /** How the signed-in person wants dates shown on the page. */
  preferences(userId: string): Promise<Preferences | null>;
  /** The service's clock: whether a key has expired, and "2 days ago". */
  now(): Date;
}

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    lastUsedIp: z.string().nullable(),
    expired: z.boolean(),
  })
  .meta({ id: 'ApiKey' });

const createdSchema = apiKeySchema
  .extend({ key: z.string().meta({ description: 'The key itself. Shown this once: it is not stored.' }) })
  .meta({ id: 'CreatedApiKey' });

const createBody = z
  .strictObject({
    name: z.string().min(1).max(MAX_KEY_NAME),
    expiresInDays: z.number().int().min(1).max(MAX_EXPIRES_IN_DAYS).optional(),
  })
  .meta({ id: 'NewApiKey' });

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/me/api-keys',
  operationId: 'listApiKeys',
  tags: ['me'],
  summary: 'Your API keys (never the keys themselves)',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  responses: {
    200: {
      description: 'Keys that are not revoked, newest first',
      content: { 'application/json': { schema: z.object({ items: z.array(apiKeySchema) }) } },
    },
    ...problemResponses(401),
  },
});

const createKeyRoute = createRoute({
  method: 'post',
  path: '/api/v1/me/api-keys',
  tags: ['me'],
  operationId: 'createApiKey',
  summary: 'Create an API key (needs a signed-in session, not an API key); the key is shown this once',
  ...signedIn({ credentials: ['session'] }),
  request: { body: { required: true, content: { 'application/json': { schema: createBody } } } },
  responses: {
    201: { description: 'The new key', content: { 'application/json': { schema: createdSchema } } },
    ...problemResponses(400, 401, 403, 409),
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/api/v1/me/api-keys/{id}',
  tags: ['me'],
  operationId: 'revokeApiKey',
  summary: 'Revoke one of your API keys; it stops working at once',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  request: { params: z.object({ id: plainText(100, 1) }) },
  responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403, 404) },
});

/** The API key API and the page /account/api-keys. */
export function apiKeysRoutes(deps: { apiKeys: ApiKeysService; trustProxy: boolean }) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(listRoute, async (c) => {
    const keys = await deps.apiKeys.list(c.var.auth!.user.id);
    return c.json({ items: keys.map((k) => toJson(k, deps.apiKeys.now())) }, 200);
  });
  app.openapi(createKeyRoute, async (c) => {
    const ip = clientIp(c, deps.trustProxy);
    const { key, apiKey } = await deps.apiKeys.create(c.var.auth!.user.id, c.req.valid('json'), { ip });
    c.header('Cache-Control', 'no-store');
    return c.json({ ...toJson(apiKey, deps.apiKeys.now()), key }, 201);
  });
  app.openapi(revokeRoute, async (c) => {
    await deps.apiKeys.revoke(c.var.auth!.user.id, c.req.valid('param').id);
    return c.body(null, 204);
  });

  const page = async (c: Context<AppEnv>) => {
    const auth = c.var.auth;
    // Pages are for people in a browser: an API key never reaches here (no declaration reads it).
    if (auth?.via !== 'session') {
      const returnTo = c.req.path + (new URL(c.req.url).search || '');
      return c.redirect(`/login?returnTo=${encodeURIComponent(returnTo)}`, 302);
    }
    const [keys, preferences] = await Promise.all([
      deps.apiKeys.list(auth.user.id),
      deps.apiKeys.preferences(auth.user.id),
    ]);
    const name = (c.req.query('name') ?? '').slice(0, MAX_KEY_NAME);
    c.header('Cache-Control', 'no-store');
    return c.html(
      <ApiKeysPage keys={keys} now={deps.apiKeys.now()} preferences={preferences} prefillName={name} />,
    );
  };
  app.get('/account/api-keys', noStore, page);
  // Integrations send people here to create their key: /account/api-keys/new?name=My%20integration
  app.get('/account/api-keys/new', noStore, page);
  return app;
}

function toJson(key: ApiKey, now: Date) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: key.lastUsedIp,
    expired: key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime(),
  };
}
