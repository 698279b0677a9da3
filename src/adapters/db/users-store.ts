import type { UserWriter } from '../../domain/accounts/create-user.js';
import type { AdminCounter } from '../../domain/accounts/first-admin.js';
import { identityKey, type User } from '../../domain/accounts/user.js';
import type { Executor } from './database.js';
import { translateUserConflict } from './unique-violation.js';
import { toUser, toUserRow } from './user-rows.js';

export interface UsersStore extends UserWriter, AdminCounter {
  findById(id: string): Promise<User | null>;
  /** By username or email, case-insensitively. */
  findByIdentifier(identifier: string): Promise<User | null>;
  passwordHash(userId: string): Promise<string | null>;
}

/** Users and their local password credentials. */
export function usersStore(db: Executor): UsersStore {
  return {
    async insert(user, passwordHash) {
      try {
        await db.insertInto('users').values(toUserRow(user)).execute();
        if (passwordHash !== null) {
          await db
            .insertInto('password_credentials')
            .values({ user_id: user.id, hash: passwordHash, updated_at: user.createdAt.getTime() })
            .execute();
        }
      } catch (error) {
        throw translateUserConflict(error);
      }
    },
    async countActiveAdmins() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async findByIdentifier(identifier) {
      const key = identityKey(identifier);
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb.or([eb('username_key', '=', key), eb('email_key', '=', key)]))
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async passwordHash(userId) {
      const row = await db
        .selectFrom('password_credentials')
        .select('hash')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.hash ?? null;
    },
  };
}
