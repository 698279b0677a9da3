import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.js';
import { accountsScript } from '../../pages/scripts/accounts.js';
import { setupScript } from '../../pages/scripts/setup.js';
import { apiKeysScript } from '../api-keys/api-keys-script.js';
import { avatarScript } from '../avatars/avatar-script.js';
import { notificationsScript } from '../notifications/notifications-script.js';

// Page scripts are served from our own origin so the CSP can forbid inline scripts. Features add theirs.
const scripts: Record<string, string> = {
  'setup.js': setupScript,
  'accounts.js': accountsScript,
  'api-keys.js': apiKeysScript,
  'avatar.js': avatarScript,
  'notifications.js': notificationsScript,
};

/** GET /assets/{name}.js */
export function assetsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/assets/:name', (c) => {
    const script = scripts[c.req.param('name')];
    if (script === undefined) return c.notFound();
    return c.body(script, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    });
  });
  return app;
}
