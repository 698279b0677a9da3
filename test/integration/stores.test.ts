import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type Db, type Dialect, openDatabase } from '../../src/adapters/db/database.js';
import { migrateToLatest, pendingMigrations } from '../../src/adapters/db/migrate.js';
import { sessionsStore } from '../../src/adapters/db/sessions-store.js';
import { oneTimeTokenStore } from '../../src/adapters/db/tokens-store.js';
import { usersStore } from '../../src/adapters/db/users-store.js';
import { defaultPreferences } from '../../src/domain/accounts/user.js';
import type { Session } from '../../src/domain/auth/sessions.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { hashToken } from '../../src/domain/shared/tokens.js';
import { engines, freshDatabase } from '../support/databases.js';
import { aUser } from '../support/users.js';

// One migrated database per engine for the whole file, plus a second connection to it playing a second
// replica (a second process on SQLite, a second pool on PostgreSQL).
const databases = new Map<Dialect, { db: Db; replica: Db }>();
for (const engine of engines) {
  const db = await freshDatabase(engine);
  const replica = await openDatabase(db.url, { poolSize: 5 });
  afterAll(() => replica.close());
  databases.set(engine, { db, replica });
}

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const at = (ms: number) => new Date(T0 + ms);
const suffix = () => Math.random().toString(36).slice(2, 10);

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe.each(engines)('stores on %s', (engine) => {
  const { db, replica } = databases.get(engine)!;

  describe('users', () => {
    const users = usersStore(db.kysely);

    it('finds an inserted user by id, by username and by email whatever their case', async () => {
      const user = aUser({ username: `Mixed-${suffix()}` });
      await users.insert(user, '$argon2id$fake');
      expect((await users.findById(user.id))?.username).toBe(user.username);
      expect((await users.findByIdentifier(user.username.toUpperCase()))?.id).toBe(user.id);
      expect((await users.findByIdentifier(`  ${user.email.toUpperCase()} `))?.id).toBe(user.id);
      expect(await users.passwordHash(user.id)).toBe('$argon2id$fake');
      expect(await users.findByIdentifier(`nobody-${suffix()}`)).toBeNull();
    });

    it('finds a username written with combining characters by its composed form (NFC)', async () => {
      const s = suffix();
      const user = aUser({ username: `Zoe\u0308-${s}` });
      await users.insert(user, null);
      const found = await users.findByIdentifier(`ZOË-${s}`);
      expect(found?.id).toBe(user.id);
      expect(found?.preferences).toEqual(defaultPreferences);
      expect(found?.disabled).toBe(false);
      expect(await users.passwordHash(user.id)).toBeNull();
    });

    it('refuses a username taken in another case or normalisation form with username_taken', async () => {
      const s = suffix();
      await users.insert(aUser({ username: `Zoë-${s}` }), null);
      const again = await refusal(users.insert(aUser({ username: `zoe\u0308-${s}` }), 'hash'));
      expect(again.code).toBe('username_taken');
      expect(again.message).not.toMatch(/constraint|sqlite|duplicate/i);
    });

    it('refuses an email address taken in another case with email_taken and stores nothing', async () => {
      const first = aUser();
      await users.insert(first, null);
      const second = aUser({ email: first.email.toUpperCase() });
      const error = await refusal(users.insert(second, 'hash'));
      expect(error.code).toBe('email_taken');
      expect(await users.findById(second.id)).toBeNull();
      expect(await users.passwordHash(second.id)).toBeNull();
    });

    it('counts only administrators who are not disabled', async () => {
      const before = await users.countActiveAdmins();
      await users.insert(aUser({ role: 'admin' }), null);
      await users.insert(aUser({ role: 'admin', disabled: true }), null);
      await users.insert(aUser({ role: 'user' }), null);
      expect(await users.countActiveAdmins()).toBe(before + 1);
    });
  });

  describe('one-time tokens', () => {
    const tokens = oneTimeTokenStore(db.kysely);
    const issue = async (purpose = 'setup', expiresIn = 60_000) => {
      const tokenHash = hashToken(`token-${suffix()}`);
      await tokens.insert(
        { tokenHash, purpose, userId: null, data: '{"x":1}', expiresAt: at(expiresIn) },
        at(0),
      );
      return tokenHash;
    };

    it('consumes a token once and never again', async () => {
      const hash = await issue();
      const first = await tokens.consume(hash, 'setup', at(1000));
      expect(first).toMatchObject({ tokenHash: hash, purpose: 'setup', userId: null, data: '{"x":1}' });
      expect(first?.expiresAt.getTime()).toBe(T0 + 60_000);
      expect(await tokens.consume(hash, 'setup', at(2000))).toBeNull();
    });

    it('does not consume a token at or after its expiry', async () => {
      const hash = await issue('setup', 60_000);
      expect(await tokens.consume(hash, 'setup', at(60_000))).toBeNull();
      expect(await tokens.consume(hash, 'setup', at(90_000))).toBeNull();
    });

    it('does not consume a token for another purpose, and leaves it usable for its own', async () => {
      const hash = await issue('password-reset');
      expect(await tokens.consume(hash, 'setup', at(1000))).toBeNull();
      expect(await tokens.consume(hash, 'password-reset', at(1000))).not.toBeNull();
    });

    it('gives exactly one winner when two replicas consume the same token at once', async () => {
      const other = oneTimeTokenStore(replica.kysely);
      for (let i = 0; i < 10; i++) {
        const hash = await issue();
        const results = await Promise.all([
          tokens.consume(hash, 'setup', at(1000)),
          other.consume(hash, 'setup', at(1000)),
          tokens.consume(hash, 'setup', at(1000)),
        ]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      }
    });
  });

  describe('sessions', () => {
    const users = usersStore(db.kysely);
    const sessions = sessionsStore(db.kysely);
    const aSession = (userId: string, over: Partial<Session> = {}): Session => ({
      id: hashToken(suffix()),
      userId,
      createdAt: at(0),
      expiresAt: at(30 * 86_400_000),
      lastSeenAt: at(0),
      userAgent: 'Firefox',
      ip: '192.0.2.1',
      ...over,
    });

    it('finds a session together with its user', async () => {
      const user = aUser({ role: 'admin' });
      await users.insert(user, null);
      const session = aSession(user.id, { userAgent: null, ip: null });
      await sessions.insert(session);
      const found = await sessions.findWithUser(session.id);
      expect(found?.session).toEqual(session);
      expect(found?.user).toMatchObject({ id: user.id, username: user.username, role: 'admin' });
      expect(await sessions.findWithUser(hashToken('unknown'))).toBeNull();
    });

    it('touch moves last-seen and expiry', async () => {
      const user = aUser();
      await users.insert(user, null);
      const session = aSession(user.id);
      await sessions.insert(session);
      await sessions.touch(session.id, at(5000), at(40 * 86_400_000));
      const found = await sessions.findWithUser(session.id);
      expect(found?.session.lastSeenAt).toEqual(at(5000));
      expect(found?.session.expiresAt).toEqual(at(40 * 86_400_000));
    });

    it("ends all of a user's sessions but the kept one, and no one else's", async () => {
      const [alice, bob] = [aUser(), aUser()];
      await users.insert(alice, null);
      await users.insert(bob, null);
      const mine = [aSession(alice.id), aSession(alice.id), aSession(alice.id)];
      const bobs = aSession(bob.id);
      for (const s of [...mine, bobs]) await sessions.insert(s);
      await sessions.deleteAllForUser(alice.id, mine[0]!.id);
      expect(await sessions.findWithUser(mine[0]!.id)).not.toBeNull();
      expect(await sessions.findWithUser(mine[1]!.id)).toBeNull();
      expect(await sessions.findWithUser(mine[2]!.id)).toBeNull();
      expect(await sessions.findWithUser(bobs.id)).not.toBeNull();
      await sessions.deleteAllForUser(alice.id);
      expect(await sessions.findWithUser(mine[0]!.id)).toBeNull();
      await sessions.delete(bobs.id);
      expect(await sessions.findWithUser(bobs.id)).toBeNull();
    });
  });

  describe('migrations', () => {
    it('reports every migration pending on an empty database, then none once applied', async () => {
      const empty = await freshDatabase(engine, { migrate: false });
      const all = await pendingMigrations(empty);
      expect(all.length).toBeGreaterThan(0);
      expect(await migrateToLatest(empty)).toEqual(all);
      expect(await pendingMigrations(empty)).toEqual([]);
    });

    it('applies nothing the second time and reports none pending', async () => {
      expect(await migrateToLatest(db)).toEqual([]);
      expect(await migrateToLatest(replica)).toEqual([]);
      expect(await pendingMigrations(db)).toEqual([]);
    });

    it('works on the dialect it reports', async () => {
      const version = await sql<{ v: string }>`select ${sql.raw(
        engine === 'postgres' ? 'version()' : 'sqlite_version()',
      )} as v`.execute(db.kysely);
      expect(db.dialect).toBe(engine);
      expect(version.rows[0]?.v).toBeTruthy();
    });
  });
});

describe('replicas starting at once on PostgreSQL', () => {
  it('apply each migration exactly once between them', async () => {
    const empty = await freshDatabase('postgres', { migrate: false });
    const replicas = await Promise.all([1, 2, 3].map(() => openDatabase(empty.url, { poolSize: 2 })));
    try {
      const all = await pendingMigrations(empty);
      const applied = await Promise.all(replicas.map((r) => migrateToLatest(r)));
      expect(applied.flat().sort()).toEqual([...all].sort());
      expect(await pendingMigrations(empty)).toEqual([]);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });
});
