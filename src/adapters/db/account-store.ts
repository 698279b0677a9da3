import { CompiledQuery, type InferResult, PostgresAdapter, sql } from 'kysely';
import type { AccountStore, AccountTokenStore } from '../../domain/accounts/account-ports.js';
import type { OneTimeToken } from '../../domain/accounts/first-admin.js';
import { identityKey, type User } from '../../domain/accounts/user.js';
import type { Executor } from './database.js';
import type { OneTimeTokensTable } from './schema.js';
import { oneTimeTokenStore } from './tokens-store.js';
import { translateUserConflict } from './unique-violation.js';
import { toUser, toUserRow } from './user-rows.js';

/** Users as the account use cases read and change them. */
export function accountStore(db: Executor): AccountStore {
  let compiled: ReturnType<typeof compileWithSentinels> | undefined;
  const findById = async (id: string) => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  };
  return {
    findById,
    async findWithOpenToken(id, purpose, now) {
      // GET /me runs this on every call: compiled once per store, like the session lookup.
      compiled ??= compileWithSentinels(db);
      const params = compiled.order.map((p) =>
        p === 'id' ? id : p === 'purpose' ? purpose : p === 'now' ? now.getTime() : p.value,
      );
      const { rows } = await db.executeQuery<WithTokenRow>(CompiledQuery.raw(compiled.sql, params));
      const row = rows[0];
      if (!row) return null;
      const { token_data, ...user } = row;
      return { user: toUser(user), tokenData: token_data ?? null };
    },
    async findBySignInName(identifier) {
      const key = identityKey(identifier);
      if (key.length === 0) return null;
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb.or([eb('username_key', '=', key), eb('email_key', '=', key)]))
        .limit(2)
        .execute();
      // A username and another user's email could be equal: the username wins.
      const row = rows.find((r) => r.username_key === key) ?? rows[0];
      if (row) return toUser(row);
      const alias = await db
        .selectFrom('username_aliases')
        .select('user_id')
        .where('alias_key', '=', key)
        .executeTakeFirst();
      return alias ? findById(alias.user_id) : null;
    },
    async passwordHash(userId) {
      const row = await db
        .selectFrom('password_credentials')
        .select('hash')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.hash ?? null;
    },
    async findSignInCredentials(identifier) {
      const key = identityKey(identifier);
      // Every identifier runs this one statement, the empty one too: none is cheaper to refuse than another.
      const row = await db
        .selectFrom('users')
        .leftJoin('password_credentials', 'password_credentials.user_id', 'users.id')
        .selectAll('users')
        .select('password_credentials.hash as password_hash')
        .where((eb) =>
          eb.or([
            eb('users.username_key', '=', key),
            eb('users.email_key', '=', key),
            eb(
              'users.id',
              'in',
              eb
                .selectFrom('username_aliases')
                .select('username_aliases.user_id')
                .where('alias_key', '=', key),
            ),
          ]),
        )
        // The order findBySignInName keeps: a username wins over another user's email, both over an alias.
        .orderBy(
          sql`case when ${sql.ref('users.username_key')} = ${key} then 0 when ${sql.ref('users.email_key')} = ${key} then 1 else 2 end`,
        )
        .limit(1)
        .executeTakeFirst();
      if (!row) return null;
      const { password_hash, ...user } = row;
      return { user: toUser(user), passwordHash: password_hash ?? null };
    },
    async setPasswordHash(userId, hash, now) {
      await db
        .insertInto('password_credentials')
        .values({ user_id: userId, hash, updated_at: now.getTime() })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: now.getTime() }))
        .execute();
    },
    async update(userId, changes, now) {
      const current = await findById(userId);
      if (!current) throw new Error(`user ${userId} vanished during an update`);
      const next: User = { ...current, ...changes, updatedAt: now };
      const { id: _id, created_at: _created, ...row } = toUserRow(next);
      try {
        await db.updateTable('users').set(row).where('id', '=', userId).execute();
      } catch (error) {
        throw translateUserConflict(error);
      }
      return next;
    },
    async lockActiveAdmins() {
      let q = db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .orderBy('id');
      // On SQLite, Kysely runs one transaction at a time on its single connection. PostgreSQL needs the
      // rows locked so two admins demoting each other at once cannot both see the other still active;
      // the waiting one re-reads them after the first commits. Locked in id order, so two such
      // transactions queue rather than deadlock.
      if (db.getExecutor().adapter instanceof PostgresAdapter) q = q.forUpdate();
      const rows = await q.execute();
      return rows.map((r) => r.id);
    },
    async aliasOwner(usernameKey) {
      const row = await db
        .selectFrom('username_aliases')
        .select('user_id')
        .where('alias_key', '=', usernameKey)
        .executeTakeFirst();
      return row?.user_id ?? null;
    },
    async addAlias(userId, usernameKey, now) {
      await db
        .insertInto('username_aliases')
        .values({ alias_key: usernameKey, user_id: userId, created_at: now.getTime() })
        .onConflict((oc) =>
          oc.column('alias_key').doUpdateSet({ user_id: userId, created_at: now.getTime() }),
        )
        .execute();
    },
    async removeAlias(usernameKey) {
      await db.deleteFrom('username_aliases').where('alias_key', '=', usernameKey).execute();
    },
    async aliases(userId) {
      const rows = await db
        .selectFrom('username_aliases')
        .select('alias_key')
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => r.alias_key);
    },
    async list({ search, limit, offset }) {
      let q = db.selectFrom('users');
      const term = search ? identityKey(search) : '';
      if (term.length > 0) {
        const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const like = (column: string) => sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
        const lowerLike = (column: string) =>
          sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
        q = q.where((eb) =>
          eb.or([like('username_key'), like('email_key'), lowerLike('first_name'), lowerLike('last_name')]),
        );
      }
      const [rows, count] = await Promise.all([
        q.selectAll().orderBy('username_key').limit(limit).offset(offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toUser), total: Number(count.n) };
    },
  };
}

function withOpenTokenQuery(db: Executor, id: string, purpose: string, now: number) {
  return db
    .selectFrom('users')
    .selectAll('users')
    .select((eb) =>
      eb
        .selectFrom('one_time_tokens as t')
        .select('t.data')
        .whereRef('t.user_id', '=', 'users.id')
        .where('t.purpose', '=', purpose)
        .where('t.used_at', 'is', null)
        .where('t.expires_at', '>', now)
        .orderBy('t.created_at', 'desc')
        .limit(1)
        .as('token_data'),
    )
    .where('users.id', '=', id);
}
type WithTokenRow = InferResult<ReturnType<typeof withOpenTokenQuery>>[number];

/** The query's SQL and what each positional parameter takes (a constant such as the limit, or an input). */
function compileWithSentinels(db: Executor) {
  const query = withOpenTokenQuery(db, '\u0001id', '\u0001purpose', -7_777_777).compile();
  const order = query.parameters.map((p) => {
    if (p === '\u0001id') return 'id' as const;
    if (p === '\u0001purpose') return 'purpose' as const;
    if (p === -7_777_777) return 'now' as const;
    return { value: p };
  });
  return { sql: query.sql, order };
}

function toToken(row: OneTimeTokensTable): OneTimeToken {
  return {
    tokenHash: row.token_hash,
    purpose: row.purpose,
    userId: row.user_id,
    data: row.data,
    expiresAt: new Date(row.expires_at),
  };
}

/** One-time tokens with peek, revoke-all and latest (password reset, email change). */
export function accountTokenStore(db: Executor): AccountTokenStore {
  return {
    ...oneTimeTokenStore(db),
    async peek(tokenHash, purpose, now) {
      const row = await db
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now.getTime())
        .executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async revokeAll(userId, purpose, now) {
      await db
        .updateTable('one_time_tokens')
        .set({ used_at: now.getTime() })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .execute();
    },
    async latest(userId, purpose, now) {
      const row = await db
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now.getTime())
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row ? toToken(row) : null;
    },
  };
}
