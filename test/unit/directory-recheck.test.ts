import { describe, expect, it } from 'vitest';
import {
  brakeHolds,
  type DirectoryCheck,
  type DirectoryRecheckDeps,
  type LinkedUser,
  type Presence,
  recheckDirectory,
} from '../../src/domain/auth/directory-recheck.js';

// recheckDirectory itself is real; the ports around it (candidates, lease, stores, the directory) are
// small in-memory stand-ins. Their database and slapd versions are tested in test/http/directory-recheck.

interface World {
  users: LinkedUser[];
  disabled: Set<string>;
  sessionsEnded: string[];
  leaseFree: boolean;
}

function setup(count: number) {
  const world: World = {
    users: Array.from({ length: count }, (_, i) => {
      const n = String(i).padStart(3, '0');
      return { userId: `u${n}`, username: `user${n}`, subject: `s${n}` };
    }),
    disabled: new Set(),
    sessionsEnded: [],
    leaseFree: true,
  };
  const deps: DirectoryRecheckDeps = {
    clock: () => new Date('2026-11-29T06:00:00Z'),
    candidates: {
      async withLiveAccess(_provider, _now, after, limit) {
        return world.users
          .filter((u) => !world.disabled.has(u.userId) && (after === null || u.userId > after))
          .slice(0, limit);
      },
    },
    lease: { claim: async () => world.leaseFree, renew: async () => world.leaseFree },
    transact: (work) =>
      work({
        directoryRemovals: {
          async disable(userId) {
            if (world.disabled.has(userId)) return false;
            world.disabled.add(userId);
            return true;
          },
        },
        sessions: {
          async deleteAllForUser(userId) {
            world.sessionsEnded.push(userId);
          },
        },
      }),
  };
  return { world, deps };
}

/** A directory listing everyone except `gone`; `failOnCall` makes that call (1-based) throw. */
function directory(gone: Set<string>, options: { failOnCall?: number } = {}) {
  const calls: string[][] = [];
  const check: DirectoryCheck = {
    id: 'studio-ldap',
    async stillPresent(subjects) {
      calls.push([...subjects]);
      if (calls.length === options.failOnCall) throw new Error('LDAP timeout');
      return new Map(subjects.map((s): [string, Presence] => [s, gone.has(s) ? 'gone' : 'present']));
    },
  };
  return { check, calls };
}

describe('directory re-check: a directory error midway', () => {
  it('disables nobody, not even those a batch before the error found gone; the next run acts normally', async () => {
    const { world, deps } = setup(30);
    // s001 is in the first batch (answered), s025 in the third (which fails).
    const gone = new Set(['s001', 's025']);
    const failing = directory(gone, { failOnCall: 3 });

    const outcome = await recheckDirectory(deps, failing.check, { batchSize: 10 });
    expect(outcome.status).toBe('unreachable');
    expect(outcome.disabled).toEqual([]);
    expect(failing.calls).toHaveLength(3);
    expect(world.disabled.size).toBe(0);
    expect(world.sessionsEnded).toEqual([]);

    const next = directory(gone);
    const again = await recheckDirectory(deps, next.check, { batchSize: 10 });
    expect(again).toMatchObject({ status: 'done', checked: 30 });
    expect(again.disabled.map((u) => u.userId)).toEqual(['u001', 'u025']);
    expect([...world.disabled]).toEqual(['u001', 'u025']);
    expect(world.sessionsEnded).toEqual(['u001', 'u025']);
  });

  it('disables nobody when the last lookup fails, and the next run acts normally', async () => {
    const { world, deps } = setup(25);
    const gone = new Set(['s002']);
    const outcome = await recheckDirectory(deps, directory(gone, { failOnCall: 3 }).check, { batchSize: 10 });
    expect(outcome.status).toBe('unreachable');
    expect(world.disabled.size).toBe(0);
    const again = await recheckDirectory(deps, directory(gone).check, { batchSize: 10 });
    expect(again.disabled.map((u) => u.userId)).toEqual(['u002']);
  });

  it('disables nobody when stopped (shutdown) before every batch was asked', async () => {
    const { world, deps } = setup(30);
    const stopping = new AbortController();
    const gone = new Set(['s001']);
    const check: DirectoryCheck = {
      id: 'studio-ldap',
      async stillPresent(subjects) {
        stopping.abort();
        return new Map(subjects.map((s): [string, Presence] => [s, gone.has(s) ? 'gone' : 'present']));
      },
    };
    const outcome = await recheckDirectory(deps, check, { batchSize: 10, stopping: stopping.signal });
    expect(outcome.status).toBe('stopped');
    expect(world.disabled.size).toBe(0);
  });
});

describe('directory re-check: the safety brake', () => {
  const brake = { maxDisableFraction: 0.2, brakeMinimum: 5 };
  const goneOf = (n: number) =>
    new Set(Array.from({ length: n }, (_, i) => `s${String(i).padStart(3, '0')}`));

  it('disables nobody when a run would disable more than the share and more than the minimum', async () => {
    const { world, deps } = setup(40);
    const outcome = await recheckDirectory(deps, directory(goneOf(9)).check, { batchSize: 10, brake });
    expect(outcome).toEqual({ status: 'braked', checked: 40, gone: 9, disabled: [] });
    expect(world.disabled.size).toBe(0);
    expect(world.sessionsEnded).toEqual([]);
  });

  it('lets through a share at the limit, and a tiny studio losing 1 of 3 (under the minimum)', async () => {
    const big = setup(40);
    const atLimit = await recheckDirectory(big.deps, directory(goneOf(8)).check, { batchSize: 10, brake });
    expect(atLimit.status).toBe('done');
    expect(big.world.disabled.size).toBe(8);

    const tiny = setup(3);
    const one = await recheckDirectory(tiny.deps, directory(goneOf(1)).check, { batchSize: 10, brake });
    expect(one.disabled.map((u) => u.userId)).toEqual(['u000']);
    // Everyone gone, but no more than the minimum: still acted on.
    const all = setup(5);
    expect(
      (await recheckDirectory(all.deps, directory(goneOf(5)).check, { batchSize: 10, brake })).status,
    ).toBe('done');
    expect(all.world.disabled.size).toBe(5);
  });

  it('is off at maxDisableFraction 1, and applies the defaults (0.2, 5) when none is given', async () => {
    const off = setup(10);
    const outcome = await recheckDirectory(off.deps, directory(goneOf(10)).check, {
      batchSize: 10,
      brake: { maxDisableFraction: 1, brakeMinimum: 5 },
    });
    expect(outcome.disabled).toHaveLength(10);
    const defaults = setup(10);
    expect(
      (await recheckDirectory(defaults.deps, directory(goneOf(10)).check, { batchSize: 10 })).status,
    ).toBe('braked');
    expect(brakeHolds(brake, 6, 29)).toBe(true);
    expect(brakeHolds(brake, 6, 30)).toBe(false);
    expect(brakeHolds(brake, 5, 5)).toBe(false);
  });
});

describe('directory re-check: the lease', () => {
  it('does not ask the directory while another replica holds the lease', async () => {
    const { world, deps } = setup(10);
    world.leaseFree = false;
    const dir = directory(new Set(['s001']));
    expect(await recheckDirectory(deps, dir.check, { batchSize: 10 })).toEqual({
      status: 'busy',
      checked: 0,
      disabled: [],
    });
    expect(dir.calls).toEqual([]);
  });

  it('disables nobody when the lease was lost during the run', async () => {
    const { world, deps } = setup(10);
    const gone = new Set(['s001']);
    const check: DirectoryCheck = {
      id: 'studio-ldap',
      async stillPresent(subjects) {
        world.leaseFree = false; // stalled past the lease; another replica took over
        return new Map(subjects.map((s): [string, Presence] => [s, gone.has(s) ? 'gone' : 'present']));
      },
    };
    expect((await recheckDirectory(deps, check, { batchSize: 10 })).status).toBe('busy');
    expect(world.disabled.size).toBe(0);
  });
});
