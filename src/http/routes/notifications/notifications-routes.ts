import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.js';
import type { DigestService } from '../digest/digest-routes.js';
import { unsubscribeRoutes } from '../unsubscribe/unsubscribe-routes.js';
import { eventsRoutes } from './events-routes.js';
import { inboxRoutes } from './inbox-routes.js';
import { notificationPagesRoutes } from './notification-pages-routes.js';
import type { NotificationsService } from './service.js';
import { settingsRoutes } from './settings-routes.js';

/** Every notification route: ingest, settings, admin defaults, inbox, pages and unsubscribe. */
export function notificationsRoutes(deps: {
  notifications: NotificationsService;
  serviceTokens: readonly string[];
  digests?: DigestService;
}) {
  const app = new OpenAPIHono<AppEnv>();
  const { notifications } = deps;
  app.route('/', eventsRoutes(deps));
  app.route('/', settingsRoutes({ notifications, ...(deps.digests ? { digests: deps.digests } : {}) }));
  app.route('/', inboxRoutes({ notifications }));
  app.route('/', notificationPagesRoutes({ notifications, clock: notifications.clock }));
  const digests = deps.digests;
  app.route(
    '/',
    unsubscribeRoutes({
      unsubscribe: notifications,
      ...(digests ? { digestChanged: (userId: string) => digests.reschedule(userId) } : {}),
    }),
  );
  return app;
}
