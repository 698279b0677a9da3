import type {
  NotificationSettingsStore,
  StoredUserSettings,
} from '../../domain/notifications/settings-ports.js';
import type { Executor } from './database.js';
import { fromOverride, isEmpty, toOverride } from './notification-rows.js';

/** Users' sparse overrides, per-user settings and the workspace defaults. */
export function notificationSettingsStore(db: Executor): NotificationSettingsStore {
  return {
    async workspaceDefaults() {
      const rows = await db
        .selectFrom('notification_defaults')
        .select(['type', 'inbox', 'email', 'digest'])
        .execute();
      return new Map(rows.map((r) => [r.type, toOverride(r)]));
    },
    async userOverrides(userId) {
      const rows = await db
        .selectFrom('notification_preferences')
        .select(['type', 'inbox', 'email', 'digest'])
        .where('user_id', '=', userId)
        .execute();
      return new Map(rows.map((r) => [r.type, toOverride(r)]));
    },
    async userSettings(userId) {
      const row = await db
        .selectFrom('notification_user_settings')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        digestFrequency: row.digest_frequency,
        digestTime: row.digest_time,
        digestTimeZone: row.digest_time_zone,
        digestWeekday: Number(row.digest_weekday),
        notifyOwnActions: Number(row.notify_own_actions) === 1,
      } satisfies StoredUserSettings;
    },
    async saveUserOverrides(userId, overrides, now) {
      for (const { type, override } of overrides) {
        if (isEmpty(override)) {
          await db
            .deleteFrom('notification_preferences')
            .where('user_id', '=', userId)
            .where('type', '=', type)
            .execute();
          continue;
        }
        const values = { ...fromOverride(override), updated_at: now.getTime() };
        await db
          .insertInto('notification_preferences')
          .values({ user_id: userId, type, ...values })
          .onConflict((oc) => oc.columns(['user_id', 'type']).doUpdateSet(values))
          .execute();
      }
    },
    async saveUserSettings(userId, s, now) {
      const values = {
        digest_frequency: s.digestFrequency,
        digest_time: s.digestTime,
        digest_time_zone: s.digestTimeZone,
        digest_weekday: s.digestWeekday,
        notify_own_actions: s.notifyOwnActions ? 1 : 0,
        updated_at: now.getTime(),
      };
      await db
        .insertInto('notification_user_settings')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    },
    async saveWorkspaceDefaults(overrides, by, now) {
      for (const { type, override } of overrides) {
        if (isEmpty(override)) {
          await db.deleteFrom('notification_defaults').where('type', '=', type).execute();
          continue;
        }
        const values = { ...fromOverride(override), updated_at: now.getTime(), updated_by: by };
        await db
          .insertInto('notification_defaults')
          .values({ type, ...values })
          .onConflict((oc) => oc.column('type').doUpdateSet(values))
          .execute();
      }
    },
  };
}
