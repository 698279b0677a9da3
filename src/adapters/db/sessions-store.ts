import { CompiledQuery, type InferResult } from 'kysely';
import type { SessionStore } from '../../domain/auth/sessions.js';
import type { Executor } from './database.js';
import { toUser } from './user-rows.js';

/** Sessions keyed by the SHA-256 of their token. */
export function sessionsStore(db: Executor): SessionStore {
  let findSql: string | undefined;
  return {
    async insert(s) {
      await db
        .insertInto('sessions')
        .values({
          id: s.id,
          user_id: s.userId,
          created_at: s.createdAt.getTime(),
          expires_at: s.expiresAt.getTime(),
          last_seen_at: s.lastSeenAt.getTime(),
          user_agent: s.userAgent,
          ip: s.ip,
        })
        .execute();
    },
    async findWithUser(id) {
      // Every signed-in request runs this: building and compiling the query tree cost more than the
      // lookup itself, so it is compiled once per store and only the parameter changes.
      findSql ??= findWithUserQuery(db, '').compile().sql;
      const { rows } = await db.executeQuery<FoundRow>(CompiledQuery.raw(findSql, [id]));
      const row = rows[0];
      if (!row) return null;
      return {
        user: toUser(row),
        session: {
          id: row.s_id,
          userId: row.id,
          createdAt: new Date(row.s_created_at),
          expiresAt: new Date(row.s_expires_at),
          lastSeenAt: new Date(row.s_last_seen_at),
          userAgent: row.s_user_agent,
          ip: row.s_ip,
        },
      };
    },
    async touch(id, lastSeenAt, expiresAt) {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: lastSeenAt.getTime(), expires_at: expiresAt.getTime() })
        .where('id', '=', id)
        .execute();
    },
    async delete(id) {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },
    async listForUser(userId, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('expires_at', '>', now.getTime())
        .orderBy('last_seen_at', 'desc')
        .limit(500)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        createdAt: new Date(r.created_at),
        expiresAt: new Date(r.expires_at),
        lastSeenAt: new Date(r.last_seen_at),
        userAgent: r.user_agent,
        ip: r.ip,
      }));
    },
    async deleteAllForUser(userId, keepId) {
      let q = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepId !== undefined) q = q.where('id', '!=', keepId);
      await q.execute();
    },
  };
}

function findWithUserQuery(db: Executor, id: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select([
      's.id as s_id',
      's.created_at as s_created_at',
      's.expires_at as s_expires_at',
      's.last_seen_at as s_last_seen_at',
      's.user_agent as s_user_agent',
      's.ip as s_ip',
    ])
    .where('s.id', '=', id);
}
type FoundRow = InferResult<ReturnType<typeof findWithUserQuery>>[number];
