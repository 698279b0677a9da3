import type { OneTimeTokenStore } from '../../domain/accounts/first-admin.js';
import type { LinkMinter } from '../../domain/mail/email-links.js';
import type { Executor } from './database.js';

/** Writes the hash of a token minted at delivery to the link's reserved row, while it is still open. */
export function linkMinter(db: Executor): LinkMinter {
  return {
    async mint(linkId, tokenHash, expiresAt) {
      const result = await db
        .updateTable('one_time_tokens')
        .set({ token_hash: tokenHash, expires_at: expiresAt.getTime() })
        .where('link_id', '=', linkId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

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
          link_id: token.linkId ?? null,
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
