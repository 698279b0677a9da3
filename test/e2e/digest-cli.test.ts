import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { insertPending, insertUsers } from '../support/digest-fixtures.js';
import { childEnv, deferCleanup, runTs, tempInstance } from './support/processes.js';

const cli = (args: string[], env: Record<string, string>) => runTs('src/cli/index.ts', args, { env });

async function instance() {
  const { configPath, sqliteUrl } = tempInstance('logging: { level: warn }\n');
  const env = childEnv({ CONCIERGE_CONFIG: configPath });
  expect((await cli(['migrate'], env)).code).toBe(0);
  const db = await openDatabase(sqliteUrl, { poolSize: 1 });
  deferCleanup(() => db.close());
  return { env, db };
}

// Each command is a child process loading the whole service through tsx: seconds apiece on a busy machine.
describe('concierge digest run', () => {
  it('runs one user’s digest as of --now, then due digests only when they are due', async () => {
    const { env, db } = await instance();
    await insertUsers(db, [{ id: 'cli-ada', username: 'ada', timeZone: 'Europe/Stockholm' }]);
    await insertPending(db, [
      { userId: 'cli-ada', createdAt: Date.parse('2026-03-10T06:00:00Z') },
      { userId: 'cli-ada', createdAt: Date.parse('2026-03-10T06:30:00Z'), project: 'Zephyr' },
    ]);

    const forced = await cli(['digest', 'run', '--user', 'ada', '--now', '2026-03-10T07:30:00Z'], env);
    expect(forced.stderr).toBe('');
    expect(forced.stdout).toMatch(/^digests: 1 sent/);
    expect(forced.code).toBe(0);
    const outbox = await db.kysely.selectFrom('outbox').select(['to_address', 'subject']).execute();
    expect(outbox).toEqual([
      { to_address: 'ada@example.test', subject: 'Your daily digest: 2 updates in 2 projects' },
    ]);

    // Nothing new and not due: nothing is sent.
    await insertPending(db, [{ userId: 'cli-ada', createdAt: Date.parse('2026-03-10T08:00:00Z') }]);
    const early = await cli(['digest', 'run', '--now', '2026-03-10T09:00:00Z'], env);
    expect(early.stdout).toMatch(/^digests: 0 sent/);
    // The next day at 08:00 Stockholm (07:00Z) the new item goes out.
    const due = await cli(['digest', 'run', '--now', '2026-03-11T07:00:30Z'], env);
    expect(due.stdout).toMatch(/^digests: 1 sent/);
    expect(await db.kysely.selectFrom('outbox').select('id').execute()).toHaveLength(2);
  }, 120_000);

  it('refuses a malformed --now with exit code 2, and names an unknown user with exit code 1', async () => {
    const { env } = await instance();
    const bad = await cli(['digest', 'run', '--now', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--now expects an ISO 8601 instant');
    const unknownOption = await cli(['digest', 'run', '--everyone'], env);
    expect(unknownOption.code).toBe(2);
    const nobody = await cli(['digest', 'run', '--user', 'nobody'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('no user "nobody"');
  }, 120_000);
});
