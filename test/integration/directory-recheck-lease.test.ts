import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/db/database.js';
import { directoryRemovalsStore } from '../../src/adapters/db/directory-removals-store.js';
import { jobLease } from '../../src/adapters/db/job-lease.js';
import { transactor } from '../../src/adapters/db/stores.js';
import { usersStore } from '../../src/adapters/db/users-store.js';
import type { DirectoryCheck, Presence } from '../../src/domain/auth/directory-recheck.js';
import { newId } from '../../src/domain/shared/tokens.js';
import { directoryRecheckJob, recheckLeaseMs } from '../../src/jobs/directory-recheck-job.js';
import { engines, freshDatabase } from '../support/databases.js';
import { aUser } from '../support/users.js';

// Two replicas' re-check jobs on one database: the lease in job_leases lets one of them ask the directory
// per run, and a crashed holder lets go when its lease expires. The directory is a counting stand-in
// (slapd is exercised in test/http/directory-recheck.test.ts); the database is real, on both engines.

const LEASE_MS = 60_000;

/** Users of `studio-ldap` with a live session, so a run has someone to ask the directory about. */
async function seed(db: Db, count: number, now: Date): Promise<string[]> {
  const users = usersStore(db.kysely);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = aUser({ providerId: 'studio-ldap' });
    await users.insert(user, null);
    await db.kysely
      .insertInto('external_identities')
      .values({
        provider_id: 'studio-ldap',
        issuer: 'dc=studio,dc=example',
        subject: `subject-${user.id}`,
        user_id: user.id,
        created_at: now.getTime(),
        last_sign_in_at: now.getTime(),
      })
      .execute();
    await db.kysely
      .insertInto('sessions')
      .values({
        id: newId(),
        user_id: user.id,
        created_at: now.getTime(),
        expires_at: now.getTime() + 86_400_000,
        last_seen_at: now.getTime(),
        user_agent: null,
        ip: null,
      })
      .execute();
    ids.push(user.id);
  }
  return ids;
}

/** A directory that counts searches, says `gone` of the subjects listed, and can hold a search open. */
function countingDirectory(gone: (subject: string) => boolean = () => false) {
  const searches: string[][] = [];
  let hold: Promise<void> | null = null;
  let entered: () => void = () => {};
  const check: DirectoryCheck = {
    id: 'studio-ldap',
    async stillPresent(subjects) {
      searches.push([...subjects]);
      entered();
      if (hold) await hold;
      return new Map(subjects.map((s): [string, Presence] => [s, gone(s) ? 'gone' : 'present']));
    },
  };
  return {
    check,
    searches,
    /** The next search waits until the returned function is called; `inside` resolves once it started. */
    holdNext() {
      let release: () => void = () => {};
      hold = new Promise((resolve) => {
        release = resolve;
      });
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      return {
        inside,
        release: () => {
          hold = null;
          release();
        },
      };
    },
  };
}

function replica(db: Db, owner: string, clock: () => Date, directory: DirectoryCheck, lines: string[] = []) {
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const braked: string[] = [];
  const job = directoryRecheckJob(
    {
      clock,
      logger,
      candidates: directoryRemovalsStore(db.kysely),
      lease: jobLease(db.kysely, 'directory-recheck:studio-ldap', owner, LEASE_MS),
      transact: transactor(db, async () => ({ subject: '', html: '', text: '' }), clock),
      onBrake: (provider) => braked.push(provider),
    },
    directory,
    { schedule: '0 */15 * * * *' },
  );
  return { job, braked, lines };
}

describe.each(engines)('directory re-check lease on %s', (engine) => {
  it('two replicas run at once: only one asks the directory, the other changes nothing', async () => {
    const db = await freshDatabase(engine);
    const now = new Date('2026-11-29T06:00:00Z');
    const [leaver] = await seed(db, 3, now);
    const directory = countingDirectory((s) => s === `subject-${leaver}`);
    const a = replica(db, 'replica-a', () => now, directory.check);
    const b = replica(db, 'replica-b', () => now, directory.check);

    const held = directory.holdNext();
    const first = a.job.runOnce();
    await held.inside;
    const second = await b.job.runOnce();
    expect(second).toEqual({ status: 'busy', checked: 0, disabled: [] });
    held.release();
    const done = await first;
    expect(done.status).toBe('done');
    expect(done.disabled.map((u) => u.userId)).toEqual([leaver]);
    expect(directory.searches).toHaveLength(1);

    // Same tick, a little later on the other replica: the lease still stands, nobody searches again.
    expect((await b.job.runOnce()).status).toBe('busy');
    expect(directory.searches).toHaveLength(1);
    // The holder itself may run again (a run on demand).
    expect((await a.job.runOnce()).status).toBe('done');
    expect(directory.searches).toHaveLength(2);
  });

  it('replicas claiming at the same instant: exactly one gets the lease', async () => {
    const db = await freshDatabase(engine);
    const now = new Date('2026-11-29T06:00:00Z');
    const leases = Array.from({ length: 8 }, (_, i) =>
      jobLease(db.kysely, 'directory-recheck:studio-ldap', `replica-${i}`, LEASE_MS),
    );
    const won = await Promise.all(leases.map((l) => l.claim(now)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it("a crashed holder's lease expires: another replica then runs", async () => {
    const db = await freshDatabase(engine);
    let now = new Date('2026-11-29T06:00:00Z');
    await seed(db, 2, now);
    // Replica A took the lease and died without a word.
    expect(await jobLease(db.kysely, 'directory-recheck:studio-ldap', 'replica-a', LEASE_MS).claim(now)).toBe(
      true,
    );
    const directory = countingDirectory();
    const b = replica(db, 'replica-b', () => now, directory.check);

    now = new Date(now.getTime() + LEASE_MS - 1);
    expect((await b.job.runOnce()).status).toBe('busy');
    expect(directory.searches).toHaveLength(0);
    now = new Date(now.getTime() + 2);
    expect(await b.job.runOnce()).toMatchObject({ status: 'done', checked: 2 });
    expect(directory.searches).toHaveLength(1);
    // Were A only stalled, not dead, its renewal would now fail: B holds the lease.
    expect(await jobLease(db.kysely, 'directory-recheck:studio-ldap', 'replica-a', LEASE_MS).renew(now)).toBe(
      false,
    );
  });

  it('the brake: too many gone at once disables nobody, logs an error naming the provider and counts it', async () => {
    const db = await freshDatabase(engine);
    const now = new Date('2026-11-29T06:00:00Z');
    await seed(db, 10, now);
    // A wrong base DN: the directory says everyone is gone.
    const lines: string[] = [];
    const r = replica(db, 'replica-a', () => now, countingDirectory(() => true).check, lines);
    expect(await r.job.runOnce()).toEqual({ status: 'braked', checked: 10, gone: 10, disabled: [] });
    const disabled = await db.kysely.selectFrom('users').select('id').where('disabled', '=', 1).execute();
    expect(disabled).toEqual([]);
    expect(r.braked).toEqual(['studio-ldap']);
    const error = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
    expect(error).toMatchObject({ provider: 'studio-ldap', checked: 10, wouldDisable: 10 });
    expect(error.msg).toContain('safety brake');
    expect(error.msg).toContain('userBase');
  });
});

describe('recheckLeaseMs', () => {
  it('is half the interval between runs, at most 5 minutes', () => {
    expect(recheckLeaseMs('0 */15 * * * *')).toBe(5 * 60_000);
    expect(recheckLeaseMs('0 * * * * *')).toBe(30_000);
    expect(recheckLeaseMs('*/10 * * * * *')).toBe(5_000);
  });
});
