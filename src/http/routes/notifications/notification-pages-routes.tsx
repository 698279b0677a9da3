import type { Context } from 'hono';
import { Hono } from 'hono';
import { defaultPreferences } from '../../../domain/accounts/user.js';
import type { Clock } from '../../../domain/shared/clock.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { noStore } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { InboxPage, NotificationSettingsPage } from './notification-pages.js';
import type { NotificationsService } from './service.js';

function toLogin(c: Context<AppEnv>) {
  const returnTo = c.req.path + (new URL(c.req.url).search || '');
  return c.redirect(`/login?returnTo=${encodeURIComponent(returnTo)}`, 302);
}

/** GET /inbox and GET /account/notifications (signed in; otherwise off to /login and back). */
export function notificationPagesRoutes(deps: { notifications: NotificationsService; clock: Clock }) {
  const app = new Hono<AppEnv>();
  const n = deps.notifications;
  app.get('/inbox', noStore, async (c) => {
    const auth = c.get('auth');
    if (!auth) return toLogin(c);
    const unreadOnly = c.req.query('unread') === '1' || c.req.query('unread') === 'true';
    const cursor = c.req.query('cursor')?.slice(0, 200) || null;
    const [page, profile] = await Promise.all([
      n.listInbox(auth.user.id, { unreadOnly, limit: 50, cursor }).catch((error: unknown) => {
        // A stale or edited cursor shows the first page rather than an error.
        if (error instanceof DomainError && error.code === 'validation_failed') {
          return n.listInbox(auth.user.id, { unreadOnly, limit: 50, cursor: null });
        }
        throw error;
      }),
      n.profile(auth.user.id),
    ]);
    c.header('Cache-Control', 'no-store');
    return c.html(
      <InboxPage
        page={page}
        label={(t) => n.catalog.get(t)?.label ?? t}
        preferences={profile?.preferences ?? defaultPreferences}
        now={deps.clock()}
        unreadOnly={unreadOnly}
      />,
    );
  });
  app.get('/account/notifications', noStore, async (c) => {
    const auth = c.get('auth');
    if (!auth) return toLogin(c);
    c.header('Cache-Control', 'no-store');
    return c.html(<NotificationSettingsPage settings={await n.getSettings(auth.user.id)} />);
  });
  return app;
}
