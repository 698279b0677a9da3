import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import type { Signer } from '../../domain/notifications/unsubscribe-token.js';
import type { Db } from './database.js';

/**
 * The key that signs unsubscribe links: generated at first use and kept in `server_secrets`, so every
 * replica signs and verifies alike and links survive restarts. Insert-if-absent, then read: two replicas
 * starting together agree on whichever key won. Rotating it (deleting the row) voids old links.
 */
export function unsubscribeSigner(db: Db): () => Promise<Signer> {
  let loaded: Promise<Signer> | undefined;
  return () => {
    loaded ??= load(db).catch((error) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

const NAME = 'unsubscribe-hmac-key';

async function load(db: Db): Promise<Signer> {
  await db.kysely
    .insertInto('server_secrets')
    .values({ name: NAME, value: randomBytes(32).toString('base64url'), created_at: Date.now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.kysely
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', NAME)
    .executeTakeFirstOrThrow();
  // A KeyObject made once: passing raw bytes makes createHmac build one per call.
  const key = createSecretKey(Buffer.from(row.value, 'base64url'));
  // The MAC of a (user, stream) payload never changes, and a studio's people get the same kinds of
  // notification over and over: a bounded memo saves an HMAC per email on the ingest path.
  const memo = new Map<string, Uint8Array>();
  return {
    mac(data) {
      const hit = memo.get(data);
      if (hit) return hit;
      const mac = createHmac('sha256', key).update(data).digest();
      if (memo.size >= 20_000) memo.clear();
      memo.set(data, mac);
      return mac;
    },
  };
}
