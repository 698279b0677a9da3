import type { OneTimeTokenStore } from '../../domain/accounts/first-admin.js';
import type { Executor } from './database.js';

/** Single-use tokens, stored as SHA-256 hashes. */
export function oneTimeTokenStore(db: Executor): OneTimeTokenStore {
  return {
    async insert(token, now) {
      await db
        .insertInto('one_time_tokens')
        .values({
          token_hash: token.tokenHash,
          purpose: token.purpose,
          user_id: token.userId,
          data: token.data,
          created_at: now.getTime(),
          expires_at: token.expiresAt.getTime(),
          used_at: null,
        })
        .execute();
    },
    async consume(tokenHash, purpose, now) {
      const row = await db
        .updateTable('one_time_tokens')
        .set({ used_at: now.getTime() })
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now.getTime())
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      return {
        tokenHash: row.token_hash,
        purpose: row.purpose,
        userId: row.user_id,
        data: row.data,
        expiresAt: new Date(row.expires_at),
      };
    },
  };
}
