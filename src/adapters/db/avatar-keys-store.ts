import type { AvatarKeys } from '../../domain/accounts/avatars.js';
import type { Executor } from './database.js';

/** The users.avatar_key column, read and written for profile pictures. */
export function avatarKeysStore(db: Executor): AvatarKeys {
  return {
    async get(userId) {
      const row = await db
        .selectFrom('users')
        .select('avatar_key')
        .where('id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? undefined : row.avatar_key;
    },
    async set(userId, key, now) {
      await db
        .updateTable('users')
        .set({ avatar_key: key, updated_at: now.getTime() })
        .where('id', '=', userId)
        .execute();
    },
    async countUsers(key) {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('avatar_key', '=', key)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
