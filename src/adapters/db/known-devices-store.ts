import type { KnownDeviceStore } from '../../domain/auth/known-devices.js';
import type { Executor } from './database.js';

/** Browsers users signed in from (table known_devices). */
export function knownDevicesStore(db: Executor): KnownDeviceStore {
  return {
    async touch(userId, deviceHash, now) {
      const updated = await db
        .updateTable('known_devices')
        .set({ last_seen_at: now.getTime() })
        .where('user_id', '=', userId)
        .where('device_hash', '=', deviceHash)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
    },
    async add(userId, deviceHash, now) {
      // Two sign-ins from one new browser at once: the second insert finds the first's row.
      await db
        .insertInto('known_devices')
        .values({
          user_id: userId,
          device_hash: deviceHash,
          created_at: now.getTime(),
          last_seen_at: now.getTime(),
        })
        .onConflict((oc) => oc.columns(['user_id', 'device_hash']).doNothing())
        .execute();
    },
    async hasAny(userId) {
      const row = await db
        .selectFrom('known_devices')
        .select('user_id')
        .where('user_id', '=', userId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
