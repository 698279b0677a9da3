import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { signedIn } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { problemResponses } from '../../problem.js';
import type { DigestService } from '../digest/digest-routes.js';
import { defaultsUpdate, defaultsView, settingsUpdate, settingsView } from './schemas.js';
import type { NotificationsService } from './service.js';

const owner = signedIn({ credentials: ['session', 'apiKey'] });
const administrator = signedIn({ credentials: ['session'], role: 'admin' });

const getSettingsRoute = createRoute({
  method: 'get',
  path: '/api/v1/me/notification-settings',
  operationId: 'getNotificationSettings',
  tags: ['notifications'],
  summary: 'Your notification settings: per type inbox / email / digest, the digest schedule',
  ...owner,
  responses: {
    200: { description: 'Effective settings', content: { 'application/json': { schema: settingsView } } },
    ...problemResponses(401),
  },
});

const putSettingsRoute = createRoute({
  method: 'put',
  path: '/api/v1/me/notification-settings',
  operationId: 'updateNotificationSettings',
  tags: ['notifications'],
  ...owner,
  summary: 'Change some of your notification settings (partial: only what you send changes)',
  request: { body: { required: true, content: { 'application/json': { schema: settingsUpdate } } } },
  responses: {
    200: { description: 'The settings now', content: { 'application/json': { schema: settingsView } } },
    ...problemResponses(400, 401, 403, 409),
  },
});

const getDefaultsRoute = createRoute({
  method: 'get',
  path: '/api/v1/admin/notification-defaults',
  operationId: 'getNotificationDefaults',
  tags: ['admin'],
  summary: 'Workspace default channels of every notification type',
  ...administrator,
  responses: {
    200: { description: 'Defaults', content: { 'application/json': { schema: defaultsView } } },
    ...problemResponses(401, 403),
  },
});

const putDefaultsRoute = createRoute({
  method: 'put',
  path: '/api/v1/admin/notification-defaults',
  operationId: 'updateNotificationDefaults',
  tags: ['admin'],
  ...administrator,
  summary: 'Change workspace defaults; they reach every user who has not overridden that channel',
  request: { body: { required: true, content: { 'application/json': { schema: defaultsUpdate } } } },
  responses: {
    200: { description: 'Defaults now', content: { 'application/json': { schema: defaultsView } } },
    ...problemResponses(400, 401, 403, 409),
  },
});

/** The settings matrix of the signed-in user, and the administrators' workspace defaults. */
export function settingsRoutes(deps: {
  notifications: NotificationsService;
  digests?: Pick<DigestService, 'nextDigestAt' | 'reschedule'>;
}) {
  const app = new OpenAPIHono<AppEnv>();
  const n = deps.notifications;
  // The digest's next run, computed by the digest feature from the settings just read or saved.
  const withNextDigest = async <V extends object>(view: V, userId: string) => {
    if (!deps.digests) return view;
    const next = await deps.digests.nextDigestAt(userId);
    return { ...view, nextDigestAt: next ? next.toISOString() : null };
  };
  app.openapi(getSettingsRoute, async (c) => {
    const userId = c.get('auth')!.user.id;
    return c.json(await withNextDigest(await n.getSettings(userId), userId), 200);
  });
  app.openapi(putSettingsRoute, async (c) => {
    const body = c.req.valid('json');
    const view = await n.updateSettings(c.get('auth')!.user.id, {
      ...(body.types ? { types: body.types.map((t) => ({ type: t.type, channels: t.channels })) } : {}),
      ...(body.digest ? { digest: body.digest } : {}),
      ...(body.notifyOwnActions !== undefined ? { notifyOwnActions: body.notifyOwnActions } : {}),
    });
    if (body.digest) await deps.digests?.reschedule(c.get('auth')!.user.id);
    return c.json(await withNextDigest(view, c.get('auth')!.user.id), 200);
  });
  app.openapi(getDefaultsRoute, async (c) => c.json({ types: await n.getDefaults() }, 200));
  app.openapi(putDefaultsRoute, async (c) => {
    const { types } = c.req.valid('json');
    const entries = types.map((t) => ({ type: t.type, channels: t.channels }));
    return c.json({ types: await n.updateDefaults(c.get('auth')!.user.id, entries) }, 200);
  });
  return app;
}
