import { describe, expect, it } from 'vitest';
import { hashToken } from '../shared/tokens.js';
import {
  type ApiKey,
  type ApiKeyStore,
  authenticateApiKey,
  generateApiKey,
  isExpired,
  looksLikeApiKey,
} from './api-keys.js';
import { defaultPreferences, type User } from './user.js';

const user: User = {
  id: 'u1',
  username: 'ada',
  email: 'ada@studio.example',
  firstName: 'Ada',
  lastName: 'Lovelace',
  role: 'user',
  disabled: false,
  providerId: 'local',
  avatarKey: null,
  preferences: defaultPreferences,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

const T = Date.UTC(2026, 10, 28, 12, 0, 0);

/** A store of one key that records touches: enough to pin the rules of authenticateApiKey. */
function oneKeyStore(secret: string, key: Partial<ApiKey> = {}, owner: Partial<User> = {}) {
  const touches: [Date, string | null][] = [];
  let stored: ApiKey = {
    id: 'k1',
    userId: 'u1',
    name: 'CI',
    prefix: secret.slice(0, 12),
    createdAt: new Date(T),
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
    ...key,
  };
  const store: ApiKeyStore = {
    insert: async () => {},
    listForUser: async () => [stored],
    findByHash: async (hash) =>
      hash === hashToken(secret) ? { key: stored, user: { ...user, ...owner } } : null,
    revoke: async () => false,
    touch: async (_id, at, ip, notBefore) => {
      if (stored.lastUsedAt && stored.lastUsedAt > notBefore) return;
      touches.push([at, ip]);
      stored = { ...stored, lastUsedAt: at, lastUsedIp: ip };
    },
  };
  return { store, touches };
}

describe('API keys', () => {
  it('look like cnc_ and 52 base32 characters (32 random bytes), each one different', () => {
    const keys = new Set(Array.from({ length: 50 }, generateApiKey));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^cnc_[a-z2-7]{52}$/);
      expect(looksLikeApiKey(key)).toBe(true);
    }
    expect(looksLikeApiKey(`cnc_${'a'.repeat(51)}`)).toBe(false);
    expect(looksLikeApiKey(`xyz_${'a'.repeat(52)}`)).toBe(false);
  });

  it('expire at their expiry instant, and never without one', () => {
    const key = { expiresAt: new Date(T) } as ApiKey;
    expect(isExpired(key, new Date(T - 1))).toBe(false);
    expect(isExpired(key, new Date(T))).toBe(true);
    expect(isExpired({ expiresAt: null } as ApiKey, new Date(8e15))).toBe(false);
  });

  it('record their use at most once a minute', async () => {
    const secret = generateApiKey();
    const { store, touches } = oneKeyStore(secret);
    let now = T;
    const deps = { apiKeys: store, clock: () => new Date(now) };
    await authenticateApiKey(deps, secret, { ip: '192.0.2.1' });
    now += 59_999;
    await authenticateApiKey(deps, secret, { ip: '192.0.2.2' });
    now += 1;
    await authenticateApiKey(deps, secret, { ip: '192.0.2.3' });
    expect(touches).toEqual([
      [new Date(T), '192.0.2.1'],
      [new Date(T + 60_000), '192.0.2.3'],
    ]);
  });

  it('say which is wrong: a disabled owner first, then revoked, then expired', async () => {
    const secret = generateApiKey();
    const clock = () => new Date(T);
    const all = { revokedAt: new Date(T - 10), expiresAt: new Date(T - 20) };
    const check = async (key: Partial<ApiKey>, owner: Partial<User> = {}) =>
      authenticateApiKey({ apiKeys: oneKeyStore(secret, key, owner).store, clock }, secret, { ip: null });
    expect(await check(all, { disabled: true })).toEqual({
      failure: expect.stringMatching(/\(ada\) is disabled/),
    });
    expect(await check(all)).toEqual({ failure: expect.stringMatching(/revoked on 2026-11-28 11:59 UTC/) });
    expect(await check({ expiresAt: all.expiresAt })).toEqual({
      failure: expect.stringMatching(/expired on/),
    });
    expect(await check({})).toMatchObject({ user: { id: 'u1' } });
    expect(
      await authenticateApiKey({ apiKeys: oneKeyStore(secret).store, clock }, generateApiKey(), { ip: null }),
    ).toBeNull();
  });
});
