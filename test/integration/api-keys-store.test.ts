import { describe, expect, it } from 'vitest';
import { apiKeysStore } from '../../src/adapters/db/api-keys-store.js';
import { avatarKeysStore } from '../../src/adapters/db/avatar-keys-store.js';
import type { Db, Dialect } from '../../src/adapters/db/database.js';
import { usersStore } from '../../src/adapters/db/users-store.js';
import type { ApiKey } from '../../src/domain/accounts/api-keys.js';
import { defaultPreferences, type User } from '../../src/domain/accounts/user.js';
import { hashToken, newId } from '../../src/domain/shared/tokens.js';
import { engines, freshDatabase } from '../support/databases.js';

const databases = new Map<Dialect, Db>();
for (const engine of engines) databases.set(engine, await freshDatabase(engine));

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const at = (ms: number) => new Date(T0 + ms);

async function aUser(db: Db, over: Partial<User> = {}): Promise<User> {
  const s = Math.random().toString(36).slice(2, 10);
  const user: User = {
    id: newId(),
    username: `user-${s}`,
    email: `user-${s}@studio.example`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    role: 'user',
    disabled: false,
    providerId: 'local',
    avatarKey: null,
    preferences: defaultPreferences,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
  await usersStore(db.kysely).insert(user, null);
  return user;
}

function aKey(userId: string, over: Partial<ApiKey> = {}): ApiKey {
  return {
    id: newId(),
    userId,
    name: 'Render farm',
    prefix: 'cnc_abcd1234',
    createdAt: at(0),
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
    ...over,
  };
}

describe.each(engines)('the API key store on %s', (engine) => {
  const db = () => databases.get(engine)!;

  it('finds a key and its owner by the hash of the secret, with every field as stored', async () => {
    const user = await aUser(db());
    const store = apiKeysStore(db().kysely);
    const key = aKey(user.id, { expiresAt: at(86_400_000), name: 'Nuke «render» 🎬' });
    await store.insert(key, hashToken('secret-1'));
    const found = await store.findByHash(hashToken('secret-1'));
    expect(found?.key).toEqual(key);
    expect(found?.user.username).toBe(user.username);
    expect(await store.findByHash(hashToken('secret-2'))).toBeNull();
  });

  it('refuses a second key with the same hash', async () => {
    const user = await aUser(db());
    const store = apiKeysStore(db().kysely);
    await store.insert(aKey(user.id), hashToken(`dup-${user.id}`));
    await expect(store.insert(aKey(user.id), hashToken(`dup-${user.id}`))).rejects.toThrow();
  });

  it('lists only the user’s own live keys, newest first', async () => {
    const [ada, bob] = [await aUser(db()), await aUser(db())];
    const store = apiKeysStore(db().kysely);
    const older = aKey(ada.id, { createdAt: at(1000) });
    const newer = aKey(ada.id, { createdAt: at(2000) });
    const revoked = aKey(ada.id, { createdAt: at(3000) });
    await store.insert(older, hashToken(newId()));
    await store.insert(newer, hashToken(newId()));
    await store.insert(revoked, hashToken(newId()));
    await store.insert(aKey(bob.id), hashToken(newId()));
    expect(await store.revoke(ada.id, revoked.id, at(4000))).toBe(true);
    expect((await store.listForUser(ada.id)).map((k) => k.id)).toEqual([newer.id, older.id]);
  });

  it('revokes a key only for its owner and only once', async () => {
    const [ada, bob] = [await aUser(db()), await aUser(db())];
    const store = apiKeysStore(db().kysely);
    const key = aKey(ada.id);
    await store.insert(key, hashToken(`r-${key.id}`));
    expect(await store.revoke(bob.id, key.id, at(1))).toBe(false);
    expect(await store.revoke(ada.id, 'not-an-id', at(1))).toBe(false);
    expect(await store.revoke(ada.id, key.id, at(5))).toBe(true);
    expect(await store.revoke(ada.id, key.id, at(6))).toBe(false);
    expect((await store.findByHash(hashToken(`r-${key.id}`)))?.key.revokedAt).toEqual(at(5));
  });

  it('records a use only when none was recorded since notBefore', async () => {
    const user = await aUser(db());
    const store = apiKeysStore(db().kysely);
    const key = aKey(user.id);
    const hash = hashToken(`t-${key.id}`);
    await store.insert(key, hash);
    await store.touch(key.id, at(10_000), '203.0.113.1', at(10_000 - 60_000));
    await store.touch(key.id, at(30_000), '203.0.113.2', at(30_000 - 60_000));
    let found = await store.findByHash(hash);
    expect([found?.key.lastUsedAt, found?.key.lastUsedIp]).toEqual([at(10_000), '203.0.113.1']);
    await store.touch(key.id, at(70_000), '2001:db8::1', at(70_000 - 60_000));
    found = await store.findByHash(hash);
    expect([found?.key.lastUsedAt, found?.key.lastUsedIp]).toEqual([at(70_000), '2001:db8::1']);
  });

  it('deletes a user’s keys with the user', async () => {
    const user = await aUser(db());
    const store = apiKeysStore(db().kysely);
    await store.insert(aKey(user.id), hashToken(`c-${user.id}`));
    await db().kysely.deleteFrom('users').where('id', '=', user.id).execute();
    expect(await store.findByHash(hashToken(`c-${user.id}`))).toBeNull();
  });
});

describe.each(engines)('the avatar key store on %s', (engine) => {
  const db = () => databases.get(engine)!;

  it('reads, sets and clears a user’s picture key, and counts who shows a picture', async () => {
    const [ada, bob] = [await aUser(db()), await aUser(db())];
    const store = avatarKeysStore(db().kysely);
    const key = newId().replaceAll('-', '');
    expect(await store.get(ada.id)).toBeNull();
    expect(await store.get('no-such-user')).toBeUndefined();
    await store.set(ada.id, key, at(1));
    await store.set(bob.id, key, at(1));
    expect(await store.get(ada.id)).toBe(key);
    expect(await store.countUsers(key)).toBe(2);
    await store.set(ada.id, null, at(2));
    expect(await store.get(ada.id)).toBeNull();
    expect(await store.countUsers(key)).toBe(1);
  });
});
