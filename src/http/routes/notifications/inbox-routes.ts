import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { InboxItem } from '../../../domain/notifications/inbox.js';
import { signedIn } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { problemResponses } from '../../problem.js';
import { inboxItem, inboxQuery, readBody } from './schemas.js';
import type { NotificationsService } from './service.js';

const owner = signedIn({ credentials: ['session', 'apiKey'] });

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/me/notifications',
  operationId: 'listInbox',
  tags: ['notifications'],
  summary: 'Your inbox, newest first, in cursor pages',
  ...owner,
  request: { query: inboxQuery },
  responses: {
    200: {
      description: 'A page',
      content: {
        'application/json': {
          schema: z
            .object({
              items: z.array(inboxItem),
              nextCursor: z.string().nullable(),
              unreadCount: z.number().int(),
            })
            .meta({ id: 'InboxPage' }),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

const readRoute = createRoute({
  method: 'post',
  path: '/api/v1/me/notifications/read',
  operationId: 'markInboxRead',
  tags: ['notifications'],
  summary: 'Mark some of your notifications ({ids}) or all of them ({all: true}) read',
  ...owner,
  request: { body: { required: true, content: { 'application/json': { schema: readBody } } } },
  responses: {
    200: {
      description: 'How many changed; ids that are not yours change nothing',
      content: {
        'application/json': { schema: z.object({ marked: z.number().int(), unreadCount: z.number().int() }) },
      },
    },
    ...problemResponses(400, 401, 403),
  },
});

/** The JSON form of an inbox item. */
export function inboxItemJson(item: InboxItem, typeLabel: string) {
  return {
    id: item.id,
    type: item.type,
    typeLabel,
    title: item.title,
    body: item.body,
    url: item.url,
    actor: item.actor,
    project: item.project,
    occurredAt: item.occurredAt.toISOString(),
    createdAt: item.createdAt.toISOString(),
    read: item.readAt !== null,
    readAt: item.readAt?.toISOString() ?? null,
  };
}

/** The signed-in user's inbox. */
export function inboxRoutes(deps: { notifications: NotificationsService }) {
  const app = new OpenAPIHono<AppEnv>();
  const n = deps.notifications;
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await n.listInbox(c.get('auth')!.user.id, {
      unreadOnly: q.unread === 'true' || q.unread === '1',
      limit: q.limit,
      cursor: q.cursor ?? null,
    });
    const label = (type: string) => n.catalog.get(type)?.label ?? type;
    return c.json(
      {
        items: page.items.map((i) => inboxItemJson(i, label(i.type))),
        nextCursor: page.nextCursor,
        unreadCount: page.unreadCount,
      },
      200,
    );
  });
  app.openapi(readRoute, async (c) => {
    const body = c.req.valid('json');
    const what = body.all ? ({ all: true } as const) : { ids: body.ids ?? [] };
    return c.json(await n.markRead(c.get('auth')!.user.id, what), 200);
  });
  return app;
}
