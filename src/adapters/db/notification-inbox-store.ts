import type { InboxItem, InboxStore } from '../../domain/notifications/inbox.js';
import type { Executor } from './database.js';
import { chunks } from './notification-rows.js';

/** Inbox rows joined with their events; every query is bound to one user. */
export function notificationInboxStore(db: Executor): InboxStore {
  return {
    async page(userId, o) {
      let q = db
        .selectFrom('notification_inbox as i')
        .innerJoin('notification_events as e', 'e.id', 'i.event_id')
        .select([
          'i.id',
          'i.type',
          'i.created_at',
          'i.read_at',
          'e.title',
          'e.body',
          'e.url',
          'e.actor',
          'e.project',
          'e.occurred_at',
        ])
        .where('i.user_id', '=', userId);
      if (o.unreadOnly) q = q.where('i.read_at', 'is', null);
      const before = o.before;
      if (before) {
        q = q.where((eb) =>
          eb.or([
            eb('i.created_at', '<', before.createdAt),
            eb.and([eb('i.created_at', '=', before.createdAt), eb('i.id', '<', before.id)]),
          ]),
        );
      }
      const rows = await q.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(o.limit).execute();
      return rows.map(
        (r): InboxItem => ({
          id: r.id,
          type: r.type,
          title: r.title,
          body: r.body,
          url: r.url,
          actor: r.actor,
          project: r.project,
          occurredAt: new Date(Number(r.occurred_at)),
          createdAt: new Date(Number(r.created_at)),
          readAt: r.read_at === null ? null : new Date(Number(r.read_at)),
        }),
      );
    },
    async unreadCount(userId) {
      const row = await db
        .selectFrom('notification_inbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async markRead(userId, ids, now) {
      let marked = 0;
      for (const part of chunks([...new Set(ids)], 500)) {
        const result = await db
          .updateTable('notification_inbox')
          .set({ read_at: now.getTime() })
          .where('user_id', '=', userId)
          .where('id', 'in', part)
          .where('read_at', 'is', null)
          .executeTakeFirst();
        marked += Number(result.numUpdatedRows);
      }
      return marked;
    },
    async markAllRead(userId, now) {
      const result = await db
        .updateTable('notification_inbox')
        .set({ read_at: now.getTime() })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
