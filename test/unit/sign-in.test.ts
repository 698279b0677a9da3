import { describe, expect, it } from 'vitest';
import { argon2Hasher } from '../../src/adapters/passwords/argon2-hasher.js';
import { defaultPreferences, type User } from '../../src/domain/accounts/user.js';
import { credentialPolicy } from '../../src/domain/auth/credential-policy.js';
import type { PasswordProvider } from '../../src/domain/auth/external-identity.js';
import type { PasswordHasher } from '../../src/domain/auth/password-hasher.js';
import { type SignInDeps, signIn } from '../../src/domain/auth/sign-in.js';
import type { ThrottleStore } from '../../src/domain/auth/throttle.js';
import { DomainError } from '../../src/domain/shared/errors.js';

// The hasher is the real argon2id one, counted; the stores are small in-memory stand-ins for the ports
// (their database versions have their own suite on both engines).
function setup() {
  const real = argon2Hasher();
  const verified: string[] = [];
  const hasher: PasswordHasher = {
    hash: real.hash,
    verify: async (hash, password) => {
      verified.push(hash);
      return real.verify(hash, password);
    },
  };
  const user: User = {
    id: 'u1',
    username: 'ada',
    email: 'ada@studio.example',
    firstName: '',
    lastName: '',
    role: 'user',
    disabled: false,
    providerId: 'local',
    avatarKey: null,
    preferences: defaultPreferences,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
  const counts = new Map<string, number>();
  const throttle: ThrottleStore = {
    lockedUntil: async () => null,
    hit: async (key) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts.get(key)!;
    },
    lock: async () => true,
    clear: async (key) => void counts.delete(key),
  };
  let dummy: Promise<string> | undefined;
  const hashes = new Map<string, string>();
  const deps: SignInDeps = {
    users: {
      findSignInCredentials: async (id) =>
        id.toLowerCase() === 'ada' ? { user, passwordHash: hashes.get(user.id) ?? null } : null,
    },
    hasher,
    clock: () => new Date(1_000_000),
    throttle,
    rules: {
      account: { maxAttempts: 10, windowMs: 600_000, lockMs: 600_000 },
      ip: { maxAttempts: 50, windowMs: 600_000, lockMs: 600_000 },
    },
    passwordProviders: [],
    isLocalProvider: (id) => id === 'local',
    capabilities: (u) =>
      credentialPolicy(
        { id: u.providerId, kind: u.providerId, displayName: u.providerId },
        { contact: 'IT' },
      ),
    dummyHash: () => {
      dummy ??= real.hash('dummy-password-never-used');
      return dummy;
    },
    transact: async (work) => work({ outbox: { enqueue: async () => {} } }),
    publicUrl: 'http://concierge.test',
    reportError: () => {},
  };
  return { deps, verified, counts, hashes, user, real };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
};

describe('signIn', () => {
  it('verifies one argon2 hash for an unknown user too (the dummy), answering invalid_credentials', async () => {
    const { deps, verified, hashes, real } = setup();
    hashes.set('u1', await real.hash('violet-anchor-mosaic-1'));
    expect(await code(signIn(deps, { identifier: 'nobody', password: 'x', ip: null }))).toBe(
      'invalid_credentials',
    );
    expect(await code(signIn(deps, { identifier: 'ada', password: 'x', ip: null }))).toBe(
      'invalid_credentials',
    );
    expect(verified).toHaveLength(2);
    expect(verified[0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('verifies the dummy hash for an account without a password and still refuses it', async () => {
    const { deps, verified } = setup();
    expect(await code(signIn(deps, { identifier: 'ada', password: 'anything', ip: null }))).toBe(
      'invalid_credentials',
    );
    expect(verified).toHaveLength(1);
  });

  it('counts failures per account and per address and clears the account count on success', async () => {
    const { deps, counts, hashes, real } = setup();
    hashes.set('u1', await real.hash('violet-anchor-mosaic-1'));
    await code(signIn(deps, { identifier: 'ada', password: 'wrong', ip: '192.0.2.1' }));
    await code(signIn(deps, { identifier: 'ghost', password: 'wrong', ip: '192.0.2.1' }));
    expect(counts.get('signin:account:u1')).toBe(1);
    expect(counts.get('signin:account:name:ghost')).toBe(1);
    expect(counts.get('signin:ip:192.0.2.1')).toBe(2);
    const user = await signIn(deps, {
      identifier: ' ADA ',
      password: 'violet-anchor-mosaic-1',
      ip: '192.0.2.1',
    });
    expect(user.id).toBe('u1');
    expect(counts.has('signin:account:u1')).toBe(false);
  });
});

describe('signIn with password providers', () => {
  // Providers that only record what they were asked: what matters here is which one the use case asks
  // to check the password and which only to rehearse (the LDAP adapter's cost is counted over HTTP).
  function providers(down: readonly string[] = []) {
    const calls: string[] = [];
    const make = (id: string): PasswordProvider => ({
      id,
      displayName: id,
      async verify(identifier) {
        calls.push(`${id}.verify(${identifier})`);
        if (down.includes(id)) throw new DomainError('provider_unavailable', `${id} is down`);
        return null;
      },
      async rehearse(identifier) {
        calls.push(`${id}.rehearse(${identifier})`);
        if (down.includes(id)) throw new DomainError('provider_unavailable', `${id} is down`);
      },
    });
    return { calls, list: [make('ldap-a'), make('ldap-b')] };
  }
  const withProviders = (p: ReturnType<typeof providers>, user?: Partial<User>) => {
    const base = setup();
    const account = { ...base.user, ...user };
    const deps: SignInDeps = {
      ...base.deps,
      users: {
        findSignInCredentials: async (id) =>
          id === 'ada' ? { user: account, passwordHash: base.hashes.get(account.id) ?? null } : null,
      },
      passwordProviders: p.list,
      resolveExternal: async () => account,
    };
    return { ...base, deps };
  };

  it('asks every directory to check an unknown identifier, after one argon2 verification', async () => {
    const p = providers();
    const { deps, verified } = withProviders(p);
    expect(await code(signIn(deps, { identifier: 'ghost', password: 'x', ip: null }))).toBe(
      'invalid_credentials',
    );
    expect(p.calls).toEqual(['ldap-a.verify(ghost)', 'ldap-b.verify(ghost)']);
    expect(verified).toHaveLength(1);
  });

  it('only rehearses with a local account: its password is checked here and sent to no directory', async () => {
    const p = providers();
    const { deps, verified, hashes, real } = withProviders(p);
    hashes.set('u1', await real.hash('violet-anchor-mosaic-1'));
    expect(await code(signIn(deps, { identifier: 'ada', password: 'wrong', ip: null }))).toBe(
      'invalid_credentials',
    );
    expect(p.calls).toEqual(['ldap-a.rehearse(ada)', 'ldap-b.rehearse(ada)']);
    expect(verified).toHaveLength(1);
    // The right password asks nobody else.
    p.calls.length = 0;
    await signIn(deps, { identifier: 'ada', password: 'violet-anchor-mosaic-1', ip: null });
    expect(p.calls).toEqual([]);
  });

  it("asks only the account's own directory to check, rehearses with the others and with a Google user", async () => {
    const p = providers();
    const { deps, verified } = withProviders(p, { providerId: 'ldap-b' });
    await code(signIn(deps, { identifier: 'ada', password: 'x', ip: null }));
    expect(p.calls).toEqual(['ldap-a.rehearse(ada)', 'ldap-b.verify(ada)']);
    const q = providers();
    const google = withProviders(q, { providerId: 'google' });
    await code(signIn(google.deps, { identifier: 'ada', password: 'x', ip: null }));
    expect(q.calls).toEqual(['ldap-a.rehearse(ada)', 'ldap-b.rehearse(ada)']);
    expect([...verified, ...google.verified]).toHaveLength(2);
  });

  it('asks the others when one directory is down, then answers its unavailability and counts the failure', async () => {
    for (const identifier of ['ghost', 'ada']) {
      const p = providers(['ldap-a']);
      const { deps, counts, hashes, real } = withProviders(p);
      hashes.set('u1', await real.hash('violet-anchor-mosaic-1'));
      expect(await code(signIn(deps, { identifier, password: 'wrong', ip: '192.0.2.1' }))).toBe(
        'provider_unavailable',
      );
      expect(p.calls).toHaveLength(2);
      expect(counts.get('signin:ip:192.0.2.1')).toBe(1);
    }
  });
});
