import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AccountsService } from '../../../compose/accounts.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { signedIn } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { problemResponses } from '../../problem.js';
import { meSchema, passwordField, plainText, sessionSchema } from './me-schemas.js';

const json = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const meResponse = {
  description: 'The signed-in user',
  content: { 'application/json': { schema: meSchema } },
};

const getMe = createRoute({
  method: 'get',
  path: '/api/v1/me',
  operationId: 'getMe',
  tags: ['me'],
  summary: 'The signed-in user, with what they may change here',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  responses: { 200: meResponse, ...problemResponses(401) },
});

const patchBody = z
  .strictObject({
    firstName: z.string().max(200).optional(),
    lastName: z.string().max(200).optional(),
    email: z
      .string()
      .max(320)
      .optional()
      .meta({ description: 'Takes effect when the link sent to the new address is opened' }),
    currentPassword: passwordField
      .optional()
      .meta({ description: 'Required with a new email when the account has a Concierge password' }),
    preferences: z
      .strictObject({
        fuzzyDates: z.boolean().optional(),
        timeZone: z.string().max(64).optional(),
        locale: z.string().max(35).optional(),
      })
      .optional(),
    username: z.unknown().optional().meta({
      description: 'Not allowed: only an administrator changes a username (403 username_admin_only)',
    }),
  })
  .meta({ id: 'MePatch' });

const patchMe = createRoute({
  method: 'patch',
  path: '/api/v1/me',
  operationId: 'updateMe',
  tags: ['me'],
  summary: 'Change names, email (verified by a link) and preferences',
  description:
    'An API key may change names and preferences; changing the email address needs a signed-in session (403).',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  request: { body: json(patchBody) },
  responses: { 200: meResponse, ...problemResponses(400, 401, 403, 409, 429) },
});

const changePasswordRoute = createRoute({
  method: 'post',
  path: '/api/v1/me/password',
  operationId: 'changePassword',
  tags: ['me'],
  summary: 'Change the password; every other session ends and a notice is emailed',
  ...signedIn({ credentials: ['session'] }),
  request: {
    body: json(
      z
        .strictObject({
          currentPassword: passwordField,
          newPassword: passwordField,
          confirmPassword: passwordField,
        })
        .meta({ id: 'PasswordChange' }),
    ),
  },
  responses: { 204: { description: 'Changed' }, ...problemResponses(400, 401, 403, 409, 429) },
});

const listSessions = createRoute({
  method: 'get',
  path: '/api/v1/me/sessions',
  operationId: 'listSessions',
  tags: ['me'],
  summary: 'The signed-in user’s sessions, the current one marked',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  responses: {
    200: { description: 'Sessions', content: { 'application/json': { schema: z.array(sessionSchema) } } },
    ...problemResponses(401),
  },
});

const endOthers = createRoute({
  method: 'delete',
  path: '/api/v1/me/sessions',
  operationId: 'endOtherSessions',
  tags: ['me'],
  summary: 'Sign out everywhere else: end every session except the current one',
  description: 'With an API key there is no current session: every session of the key’s owner ends.',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  responses: { 204: { description: 'Ended' }, ...problemResponses(401, 403) },
});

const endOne = createRoute({
  method: 'delete',
  path: '/api/v1/me/sessions/{id}',
  operationId: 'endSession',
  tags: ['me'],
  summary: 'End one of the signed-in user’s sessions',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  request: { params: z.object({ id: plainText(64, 1) }) },
  responses: { 204: { description: 'Ended' }, ...problemResponses(401, 403, 404) },
});

/** The signed-in user: profile, preferences, password and sessions. */
export function meRoutes(deps: { accounts: AccountsService }) {
  const app = new OpenAPIHono<AppEnv>();
  const auth = (c: { get(key: 'auth'): AppEnv['Variables']['auth'] }) => {
    const value = c.get('auth');
    if (!value) throw new DomainError('unauthenticated', 'Sign in to continue.');
    return value;
  };
  app.openapi(getMe, async (c) => {
    const me = await deps.accounts.me(auth(c).user.id);
    if (!me) throw new DomainError('unauthenticated', 'Sign in to continue.');
    return c.json(me, 200);
  });
  app.openapi(patchMe, async (c) => {
    const { username, ...patch } = c.req.valid('json');
    if (username !== undefined) {
      throw new DomainError('username_admin_only', 'Only an administrator can change a username. Ask one.');
    }
    const a = auth(c);
    return c.json(await deps.accounts.updateMe(a.user.id, patch, a.via), 200);
  });
  app.openapi(changePasswordRoute, async (c) => {
    const a = auth(c);
    await deps.accounts.changePassword({
      ...c.req.valid('json'),
      userId: a.user.id,
      keepSessionId: a.sessionId,
    });
    return c.body(null, 204);
  });
  app.openapi(listSessions, async (c) => {
    const a = auth(c);
    const sessions = await deps.accounts.sessions(a.user.id, a.sessionId);
    return c.json(
      sessions.map((s) => ({
        ...s,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
      })),
      200,
    );
  });
  app.openapi(endOthers, async (c) => {
    const a = auth(c);
    await deps.accounts.endOtherSessions(a.user.id, a.sessionId);
    return c.body(null, 204);
  });
  app.openapi(endOne, async (c) => {
    await deps.accounts.endSession(auth(c).user.id, c.req.valid('param').id);
    return c.body(null, 204);
  });
  return app;
}
