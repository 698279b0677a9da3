import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { User } from '../../../domain/accounts/user.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { anyone, noStore } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { SetupPage } from '../../pages/setup-page.js';
import { problemResponses, statusFor } from '../../problem.js';

export interface SetupService {
  isOpen(): Promise<boolean>;
  complete(
    token: string,
    input: { username: string; email: string; password: string; firstName?: string; lastName?: string },
  ): Promise<User>;
}

const setupBody = z
  .strictObject({
    token: z.string().min(1).max(200),
    username: z.string().min(1).max(64),
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(1024),
    firstName: z.string().max(100).optional(),
    lastName: z.string().max(100).optional(),
  })
  .meta({ id: 'SetupRequest' });

const setupRoute = createRoute({
  method: 'post',
  path: '/api/v1/setup',
  operationId: 'createFirstAdministrator',
  tags: ['setup'],
  ...anyone({ personal: true }),
  summary: 'Create the first administrator with the one-time link printed in the log at first start',
  request: { body: { required: true, content: { 'application/json': { schema: setupBody } } } },
  responses: {
    201: {
      description: 'The administrator was created; sign in at /login',
      content: { 'application/json': { schema: z.object({ id: z.string(), username: z.string() }) } },
    },
    ...problemResponses(400, 403, 409),
  },
});

/** The first-run page and its API. */
export function setupRoutes(deps: { setup: SetupService }) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(setupRoute, async (c) => {
    const { token, ...input } = c.req.valid('json');
    const user = await deps.setup.complete(token, input);
    return c.json({ id: user.id, username: user.username }, 201);
  });
  // The page carries the one-time token in its URL and form: never cached.
  app.get('/setup', noStore, async (c) => {
    const token = c.req.query('token') ?? '';
    const open = await deps.setup.isOpen();
    return c.html(<SetupPage open={open} token={token} />, open ? 200 : 403);
  });
  // The same form without JavaScript: a plain form post, answered with the page (a refusal shown on it).
  app.post('/setup', noStore, async (c) => {
    const form: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
    // Text fields only; an empty optional name is the same as none.
    const input = Object.fromEntries(
      Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    );
    const { password: _never, token = '', ...values } = input;
    const page = (status: ContentfulStatusCode, error: string, open = true) =>
      c.html(<SetupPage open={open} token={token} error={error} values={values} />, status);
    const parsed = setupBody.safeParse(input);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'form'))];
      return page(400, `Check these fields: ${fields.join(', ')}.`);
    }
    try {
      const { token: presented, ...user } = parsed.data;
      const created = await deps.setup.complete(presented, user);
      return c.html(<SetupPage open={false} token="" created={created.username} />, 201);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return page(statusFor(error.code), error.message, error.code !== 'setup_unavailable');
    }
  });
  return app;
}
