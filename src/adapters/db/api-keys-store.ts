import { CompiledQuery, type InferResult, type Selectable } from 'kysely';
import type { ApiKey, ApiKeyStore } from '../../domain/accounts/api-keys.js';
import type { Executor } from './database.js';
import type { ApiKeysTable } from './schema.js';
import { toUser } from './user-rows.js';

/** Personal API keys, found by the SHA-256 of the key. */
export function apiKeysStore(db: Executor): ApiKeyStore {
  let findSql: string | undefined;
  return {
    async insert(key, keyHash) {
      await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          user_id: key.userId,
          name: key.name,
          prefix: key.prefix,
          key_hash: keyHash,
          created_at: key.createdAt.getTime(),
          expires_at: key.expiresAt?.getTime() ?? null,
          last_used_at: key.lastUsedAt?.getTime() ?? null,
          last_used_ip: key.lastUsedIp,
          revoked_at: key.revokedAt?.getTime() ?? null,
        })
        .execute();
    },
    async listForUser(userId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toApiKey);
    },
    async findByHash(keyHash) {
      // Every API request and introspection runs this: building and compiling the query tree cost more
      // than the lookup itself, so it is compiled once per store and only the parameter changes.
      findSql ??= findByHashQuery(db, '').compile().sql;
      const { rows } = await db.executeQuery<FoundRow>(CompiledQuery.raw(findSql, [keyHash]));
      const row = rows[0];
      if (!row) return null;
      const key = toApiKey({
        id: row.k_id,
        user_id: row.id,
        name: row.k_name,
        prefix: row.k_prefix,
        key_hash: keyHash,
        created_at: row.k_created_at,
        expires_at: row.k_expires_at,
        last_used_at: row.k_last_used_at,
        last_used_ip: row.k_last_used_ip,
        revoked_at: row.k_revoked_at,
      });
      return { key, user: toUser(row) };
    },
    async revoke(userId, id, now) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: now.getTime() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async touch(id, at, ip, notBefore) {
      // The condition makes "at most once a minute" hold across requests and replicas alike.
      await db
        .updateTable('api_keys')
        .set({ last_used_at: at.getTime(), last_used_ip: ip })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', notBefore.getTime())]))
        .execute();
    },
  };
}

function findByHashQuery(db: Executor, keyHash: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .selectAll('u')
    .select([
      'k.id as k_id',
      'k.name as k_name',
      'k.prefix as k_prefix',
      'k.created_at as k_created_at',
      'k.expires_at as k_expires_at',
      'k.last_used_at as k_last_used_at',
      'k.last_used_ip as k_last_used_ip',
      'k.revoked_at as k_revoked_at',
    ])
    .where('k.key_hash', '=', keyHash);
}

type FoundRow = InferResult<ReturnType<typeof findByHashQuery>>[number];

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: new Date(row.created_at),
    expiresAt: date(row.expires_at),
    lastUsedAt: date(row.last_used_at),
    lastUsedIp: row.last_used_ip,
    revokedAt: date(row.revoked_at),
  };
}
