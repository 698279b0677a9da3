import { describe, expect, it } from 'vitest';
import { accountStore, accountTokenStore } from '../../src/adapters/db/account-store.js';
import { sessionsStore } from '../../src/adapters/db/sessions-store.js';
import { throttleStore } from '../../src/adapters/db/throttle-store.js';
import { usersStore } from '../../src/adapters/db/users-store.js';
import type { User } from '../../src/domain/accounts/user.js';
import { hasCode } from '../../src/domain/shared/errors.js';
import { newId } from '../../src/domain/shared/tokens.js';
import { engines, freshDatabase } from '../support/databases.js';
import { aUser } from '../support/users.js';

describe.each(engines)('account stores on %s', async (engine) => {
  const db = await freshDatabase(engine);
  const throttle = throttleStore(db.kysely);
  const accounts = accountStore(db.kysely);
  const tokens = accountTokenStore(db.kysely);
  const insert = async (over: Partial<User> = {}) => {
    const user = aUser(over);
    await usersStore(db.kysely).insert(user, null);
    return user;
  };

  describe('throttle', () => {
    it('counts attempts within a window and starts a new window after it', async () => {
      const key = `k-${newId()}`;
      const t0 = new Date(1_000_000);
      expect(await throttle.hit(key, t0, 60_000)).toBe(1);
      expect(await throttle.hit(key, new Date(1_030_000), 60_000)).toBe(2);
      expect(await throttle.hit(key, new Date(1_059_999), 60_000)).toBe(3);
      expect(await throttle.hit(key, new Date(1_060_000), 60_000)).toBe(1);
    });

    it('counts every one of many concurrent attempts', async () => {
      const key = `k-${newId()}`;
      const now = new Date(2_000_000);
      await Promise.all(Array.from({ length: 20 }, () => throttle.hit(key, now, 60_000)));
      expect(await throttle.hit(key, now, 60_000)).toBe(21);
    });

    it('starts a lock once: only the first of concurrent lockers is told it locked', async () => {
      const key = `k-${newId()}`;
      const now = new Date(3_000_000);
      await throttle.hit(key, now, 60_000);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => throttle.lock(key, now, new Date(3_600_000))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await throttle.lockedUntil(key, now))?.getTime()).toBe(3_600_000);
      expect(await throttle.lockedUntil(key, new Date(3_600_000))).toBeNull();
      expect(await throttle.lock(key, new Date(3_600_001), new Date(4_000_000))).toBe(true);
    });

    it('forgets a key when cleared', async () => {
      const key = `k-${newId()}`;
      await throttle.hit(key, new Date(5_000), 60_000);
      await throttle.clear(key);
      expect(await throttle.hit(key, new Date(5_000), 60_000)).toBe(1);
    });
  });

  describe('accounts', () => {
    it('finds a user by username, email or alias, case-insensitively', async () => {
      const user = await insert({ username: 'Émile-Zola' });
      expect((await accounts.findBySignInName('émile-zola'))?.id).toBe(user.id);
      expect((await accounts.findBySignInName(user.email.toUpperCase()))?.id).toBe(user.id);
      await accounts.addAlias(user.id, 'old-name', new Date());
      expect((await accounts.findBySignInName('OLD-NAME'))?.id).toBe(user.id);
      expect(await accounts.aliasOwner('old-name')).toBe(user.id);
      expect(await accounts.aliases(user.id)).toEqual(['old-name']);
      expect(await accounts.findBySignInName('')).toBeNull();
    });

    it('finds sign-in credentials by username, email or alias with the hash, the username first', async () => {
      const user = await insert({ username: 'Grace-Hopper' });
      await accounts.setPasswordHash(user.id, 'hash-g', new Date());
      const found = await accounts.findSignInCredentials('GRACE-HOPPER');
      expect(found?.user).toEqual(await accounts.findById(user.id));
      expect(found?.passwordHash).toBe('hash-g');
      expect((await accounts.findSignInCredentials(user.email.toUpperCase()))?.user.id).toBe(user.id);
      await accounts.addAlias(user.id, 'amazing-grace', new Date());
      expect((await accounts.findSignInCredentials('Amazing-Grace'))?.passwordHash).toBe('hash-g');
      // Another user whose email is this username: the username wins, as in findBySignInName.
      const other = await insert({ email: 'grace-hopper-2@studio.example' });
      const named = await insert({ username: 'grace-hopper-2@studio.example' });
      expect((await accounts.findSignInCredentials('grace-hopper-2@studio.example'))?.user.id).toBe(named.id);
      expect((await accounts.findSignInCredentials(other.email))?.passwordHash).toBeNull();
      expect(await accounts.findSignInCredentials('nobody-here')).toBeNull();
      expect(await accounts.findSignInCredentials('')).toBeNull();
    });

    it('updates fields and translates a taken email into email_taken', async () => {
      const a = await insert();
      const b = await insert();
      const updated = await accounts.update(
        a.id,
        { firstName: 'Grace', role: 'admin' },
        new Date(1_800_000_000_000),
      );
      expect(updated).toMatchObject({ firstName: 'Grace', role: 'admin' });
      expect((await accounts.findById(a.id))?.updatedAt.getTime()).toBe(1_800_000_000_000);
      await expect(accounts.update(a.id, { email: b.email.toUpperCase() }, new Date())).rejects.toSatisfy(
        (e) => hasCode(e, 'email_taken'),
      );
      await expect(accounts.update(a.id, { username: b.username }, new Date())).rejects.toSatisfy((e) =>
        hasCode(e, 'username_taken'),
      );
    });

    it('sets and replaces a password hash', async () => {
      const user = await insert();
      expect(await accounts.passwordHash(user.id)).toBeNull();
      await accounts.setPasswordHash(user.id, 'hash-1', new Date());
      await accounts.setPasswordHash(user.id, 'hash-2', new Date());
      expect(await accounts.passwordHash(user.id)).toBe('hash-2');
    });

    it('lists a page of matches, treating % and _ in the search literally', async () => {
      const tag = `q${Math.random().toString(36).slice(2, 8)}`;
      for (let i = 0; i < 3; i++) await insert({ username: `${tag}_${i}`, lastName: `Name${tag}` });
      const page = await accounts.list({ search: tag.toUpperCase(), limit: 2, offset: 0 });
      expect(page.total).toBe(3);
      expect(page.items).toHaveLength(2);
      expect((await accounts.list({ search: `${tag}%`, limit: 10, offset: 0 })).total).toBe(0);
      expect((await accounts.list({ search: `${tag}_1`, limit: 10, offset: 0 })).total).toBe(1);
    });

    it('returns the active administrators inside a transaction', async () => {
      const admin = await insert({ role: 'admin' });
      await insert({ role: 'admin', disabled: true });
      const ids = await db.kysely.transaction().execute((trx) => accountStore(trx).lockActiveAdmins());
      expect(ids).toContain(admin.id);
    });
  });

  describe('tokens and sessions', () => {
    it('peeks without using up, revokes all of a purpose and finds the latest', async () => {
      const user = await insert();
      const t = (hash: string, at: number) =>
        tokens.insert(
          { tokenHash: hash, purpose: 'p', userId: user.id, data: hash, expiresAt: new Date(at + 60_000) },
          new Date(at),
        );
      await t(`a-${user.id}`, 1_000);
      await t(`b-${user.id}`, 2_000);
      expect((await tokens.peek(`a-${user.id}`, 'p', new Date(3_000)))?.data).toBe(`a-${user.id}`);
      expect((await tokens.latest(user.id, 'p', new Date(3_000)))?.data).toBe(`b-${user.id}`);
      await tokens.revokeAll(user.id, 'p', new Date(3_000));
      expect(await tokens.peek(`a-${user.id}`, 'p', new Date(3_000))).toBeNull();
      expect(await tokens.latest(user.id, 'p', new Date(3_000))).toBeNull();
    });

    it('reads a user with the data of their newest open token in one statement', async () => {
      const user = await insert();
      expect(await accounts.findWithOpenToken('nobody', 'p', new Date(0))).toBeNull();
      expect((await accounts.findWithOpenToken(user.id, 'p', new Date(0)))?.tokenData).toBeNull();
      await tokens.insert(
        {
          tokenHash: `w1-${user.id}`,
          purpose: 'p',
          userId: user.id,
          data: 'older',
          expiresAt: new Date(9_000),
        },
        new Date(1_000),
      );
      await tokens.insert(
        {
          tokenHash: `w2-${user.id}`,
          purpose: 'p',
          userId: user.id,
          data: 'newer',
          expiresAt: new Date(5_000),
        },
        new Date(2_000),
      );
      const found = await accounts.findWithOpenToken(user.id, 'p', new Date(3_000));
      expect(found?.user.id).toBe(user.id);
      expect(found?.tokenData).toBe('newer');
      expect((await accounts.findWithOpenToken(user.id, 'p', new Date(6_000)))?.tokenData).toBe('older');
      expect((await accounts.findWithOpenToken(user.id, 'other', new Date(3_000)))?.tokenData).toBeNull();
    });

    it("lists only the user's unexpired sessions", async () => {
      const user = await insert();
      const other = await insert();
      const sessions = sessionsStore(db.kysely);
      const s = (id: string, userId: string, expires: number) =>
        sessions.insert({
          id,
          userId,
          createdAt: new Date(0),
          expiresAt: new Date(expires),
          lastSeenAt: new Date(expires - 10),
          userAgent: null,
          ip: null,
        });
      await s(`s1-${user.id}`, user.id, 10_000);
      await s(`s2-${user.id}`, user.id, 100);
      await s(`s3-${other.id}`, other.id, 10_000);
      const list = await sessions.listForUser(user.id, new Date(500));
      expect(list.map((x) => x.id)).toEqual([`s1-${user.id}`]);
    });
  });
});

describe.each(engines)('throttle purge on %s', async (engine) => {
  const db = await freshDatabase(engine);
  it('deletes idle counters whose lock is over and keeps the rest', async () => {
    const { purgeThrottle } = await import('../../src/adapters/db/throttle-store.js');
    const store = throttleStore(db.kysely);
    const day = 86_400_000;
    await store.hit('old', new Date(0), 60_000);
    await store.hit('old-locked', new Date(0), 60_000);
    await store.lock('old-locked', new Date(0), new Date(10 * day));
    await store.hit('recent', new Date(2 * day), 60_000);
    expect(await purgeThrottle(db.kysely, new Date(2 * day + 1), day)).toBe(1);
    expect(await store.hit('recent', new Date(2 * day), 60_000)).toBe(2);
    expect(await store.lockedUntil('old-locked', new Date(2 * day))).not.toBeNull();
  });
});
