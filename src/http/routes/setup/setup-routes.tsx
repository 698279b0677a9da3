import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { User } from '../../../domain/accounts/user.js';
import type { AppEnv } from '../../app-env.js';
import { SetupPage } from '../../pages/setup-page.js';
import { problemResponses } from '../../problem.js';

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
  tags: ['setup'],
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
  app.get('/setup', async (c) => {
    const token = c.req.query('token') ?? '';
    const open = await deps.setup.isOpen();
    return c.html(<SetupPage open={open} token={token} />, open ? 200 : 403);
  });
  return app;
}
