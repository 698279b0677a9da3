import type {
  DirectoryRemoval,
  DirectoryRemovalStore,
  LinkedUser,
  RecheckCandidates,
} from '../../domain/auth/directory-recheck.js';
import type { Executor } from './database.js';

/** Disables done by the directory re-check (table directory_removals) and the users it re-checks. */
export function directoryRemovalsStore(db: Executor): DirectoryRemovalStore & RecheckCandidates {
  return {
    async withLiveAccess(providerId, now, afterUserId, limit): Promise<readonly LinkedUser[]> {
      const at = now.getTime();
      let q = db
        .selectFrom('users as u')
        .innerJoin('external_identities as ei', (join) =>
          join.onRef('ei.user_id', '=', 'u.id').on('ei.provider_id', '=', providerId),
        )
        .select(['u.id as userId', 'u.username as username', 'ei.subject as subject'])
        // The user's own provider: a local account linked to a directory entry by email keeps its password.
        .where('u.provider_id', '=', providerId)
        .where('u.disabled', '=', 0)
        .where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('sessions as s')
                .select('s.id')
                .whereRef('s.user_id', '=', 'u.id')
                .where('s.expires_at', '>', at),
            ),
            eb.exists(
              eb
                .selectFrom('api_keys as k')
                .select('k.id')
                .whereRef('k.user_id', '=', 'u.id')
                .where('k.revoked_at', 'is', null)
                .where((k) => k.or([k('k.expires_at', 'is', null), k('k.expires_at', '>', at)])),
            ),
          ]),
        )
        .orderBy('u.id')
        .limit(limit);
      if (afterUserId !== null) q = q.where('u.id', '>', afterUserId);
      return q.execute();
    },
    async removalsOf(userIds) {
      const found = new Map<string, DirectoryRemoval>();
      if (userIds.length === 0) return found;
      const rows = await db
        .selectFrom('directory_removals')
        .select(['user_id', 'provider_id', 'removed_at'])
        .where('user_id', 'in', [...userIds])
        .execute();
      for (const r of rows) {
        found.set(r.user_id, { providerId: r.provider_id, removedAt: new Date(Number(r.removed_at)) });
      }
      return found;
    },
    async disable(userId, providerId, now) {
      // Conditional: a user disabled meanwhile (by an administrator) keeps that disable as theirs.
      const result = await db
        .updateTable('users')
        .set({ disabled: 1, updated_at: now.getTime() })
        .where('id', '=', userId)
        .where('disabled', '=', 0)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await db
        .insertInto('directory_removals')
        .values({ user_id: userId, provider_id: providerId, removed_at: now.getTime() })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({ provider_id: providerId, removed_at: now.getTime() }),
        )
        .execute();
      return true;
    },
    async reinstate(userId, providerId, now) {
      const removed = await db
        .deleteFrom('directory_removals')
        .where('user_id', '=', userId)
        .where('provider_id', '=', providerId)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return false;
      await db
        .updateTable('users')
        .set({ disabled: 0, updated_at: now.getTime() })
        .where('id', '=', userId)
        .execute();
      return true;
    },
    async forget(userId) {
      await db.deleteFrom('directory_removals').where('user_id', '=', userId).execute();
    },
  };
}
