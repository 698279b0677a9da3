import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AccountsService } from '../../../compose/accounts.js';
import { signedIn } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { problemResponses } from '../../problem.js';
import { passwordField, plainText } from '../me/me-schemas.js';

const json = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const adminUserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    role: z.enum(['user', 'admin']),
    disabled: z.boolean(),
    disabledBy: z
      .enum(['administrator', 'directory'])
      .nullable()
      .describe(
        'Why the account is disabled: `directory` when the directory re-check disabled it (the LDAP ' +
          'directory or its group no longer listed the user; signing in through that directory again ' +
          "re-enables it), `administrator` for an administrator's disable (which only an administrator " +
          'undoes); null while the account is enabled.',
      ),
    disabledByDirectory: z
      .object({
        providerId: z.string(),
        providerName: z.string(),
        at: z.string().describe('When the re-check disabled the account (ISO 8601).'),
      })
      .nullable()
      .describe(
        'With `disabledBy: directory`: the provider whose directory no longer listed the user, and when; ' +
          'otherwise null.',
      ),
    createdAt: z.string(),
    updatedAt: z.string(),
    provider: z.object({ id: z.string(), kind: z.string(), displayName: z.string() }),
  })
  .meta({ id: 'AdminUser' });
const userResponse = {
  description: 'The user',
  content: { 'application/json': { schema: adminUserSchema } },
};
const idParam = z.object({ id: plainText(64, 1) });
const administrator = signedIn({ credentials: ['session'], role: 'admin' });

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/admin/users',
  operationId: 'listUsers',
  tags: ['admin'],
  summary: 'Users, a page at a time, optionally matching a search over username, email and names',
  ...administrator,
  request: {
    query: z.object({
      search: plainText(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
  },
  responses: {
    200: {
      description: 'A page of users',
      content: {
        'application/json': {
          schema: z.object({
            items: z.array(adminUserSchema),
            total: z.number().int(),
            limit: z.number().int(),
            offset: z.number().int(),
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403),
  },
});

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/v1/admin/users',
  operationId: 'createUser',
  tags: ['admin'],
  summary: 'Create a local user; without a password the user is emailed an invitation to choose one',
  ...administrator,
  request: {
    body: json(
      z
        .strictObject({
          username: z.string().min(1).max(64),
          email: z.string().min(1).max(320),
          firstName: z.string().max(200).optional(),
          lastName: z.string().max(200).optional(),
          role: z.enum(['user', 'admin']).optional(),
          password: passwordField.optional(),
        })
        .meta({ id: 'AdminUserCreate' }),
    ),
  },
  responses: { 201: userResponse, ...problemResponses(400, 401, 403, 409) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/admin/users/{id}',
  operationId: 'getUser',
  tags: ['admin'],
  summary: 'One user, with their former usernames',
  ...administrator,
  request: { params: idParam },
  responses: {
    200: {
      description: 'The user',
      content: { 'application/json': { schema: adminUserSchema.extend({ aliases: z.array(z.string()) }) } },
    },
    ...problemResponses(401, 403, 404),
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/api/v1/admin/users/{id}',
  operationId: 'updateUser',
  tags: ['admin'],
  summary: 'Rename (the old username keeps signing in), change role, disable (ends sessions at once) or edit',
  ...administrator,
  request: {
    params: idParam,
    body: json(
      z
        .strictObject({
          username: z.string().min(1).max(64).optional(),
          email: z.string().min(1).max(320).optional(),
          firstName: z.string().max(200).optional(),
          lastName: z.string().max(200).optional(),
          role: z.enum(['user', 'admin']).optional(),
          disabled: z.boolean().optional(),
        })
        .meta({ id: 'AdminUserPatch' }),
    ),
  },
  responses: { 200: userResponse, ...problemResponses(400, 401, 403, 404, 409) },
});

const resetRoute = createRoute({
  method: 'post',
  path: '/api/v1/admin/users/{id}/password-reset',
  operationId: 'sendUserPasswordReset',
  tags: ['admin'],
  summary: 'Email the user a password-reset link',
  ...administrator,
  request: { params: idParam },
  responses: {
    202: {
      description: 'The email is queued',
      content: { 'application/json': { schema: z.object({ message: z.string() }) } },
    },
    ...problemResponses(401, 403, 404, 409),
  },
});

/** User management for administrators. */
export function adminUsersRoutes(deps: { accounts: AccountsService }) {
  const admin = deps.accounts.admin;
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await admin.list({
      limit: q.limit,
      offset: q.offset,
      ...(q.search ? { search: q.search } : {}),
    });
    return c.json({ items: page.items, total: page.total, limit: q.limit, offset: q.offset }, 200);
  });
  app.openapi(createUserRoute, async (c) => {
    const by = c.get('auth')?.user.username ?? 'An administrator';
    return c.json(await admin.create({ username: by }, c.req.valid('json')), 201);
  });
  app.openapi(getRoute, async (c) => {
    return c.json(await admin.get(c.req.valid('param').id), 200);
  });
  app.openapi(patchRoute, async (c) => {
    return c.json(await admin.update(c.req.valid('param').id, c.req.valid('json')), 200);
  });
  app.openapi(resetRoute, async (c) => {
    await admin.sendReset(c.req.valid('param').id);
    return c.json({ message: 'A password-reset link is on its way to the user.' }, 202);
  });
  return app;
}
