import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { compose } from '../../src/compose/compose.js';
import { parseConfig } from '../../src/config/load.js';
import { insertPending, insertUsers } from '../support/digest-fixtures.js';
import { childEnv, deferCleanup, runTs, tempInstance } from './support/processes.js';

const cli = (args: string[], env: Record<string, string>) => runTs('src/cli/index.ts', args, { env });

async function instance() {
  const { configPath, sqliteUrl, dataDir } = tempInstance('logging: { level: warn }\n');
  const env = childEnv({ CONCIERGE_CONFIG: configPath });
  expect((await cli(['migrate'], env)).code).toBe(0);
  const db = await openDatabase(sqliteUrl, { poolSize: 1 });
  deferCleanup(() => db.close());
  return { env, db, dataDir, sqliteUrl };
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

  it('with a future --now, sends that instant’s digest now: the outbox row is due at once and delivery writes it', async () => {
    const { env, db, dataDir, sqliteUrl } = await instance();
    // A fixed-offset zone where it is about 20:00 now, so the next 08:00 is some twelve hours away
    // whenever the test runs (Etc/GMT-2 is UTC+2).
    const offset = ((((20 - new Date().getUTCHours()) % 24) + 36) % 24) - 12;
    const timeZone = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    await insertUsers(db, [{ id: 'cli-bo', username: 'bo', timeZone }]);
    await insertPending(db, [{ userId: 'cli-bo', createdAt: Date.now() - 3_600_000, project: 'Atlas' }]);
    // A run on the real clock makes the schedule, as the job does: the next 08:00 there, not due yet.
    const real = await cli(['digest', 'run'], env);
    expect(real.stdout).toMatch(/^digests: 0 sent, .* 1 schedules updated/);
    const schedule = () =>
      db.kysely
        .selectFrom('digest_schedules')
        .select(['next_run_at', 'last_period'])
        .executeTakeFirstOrThrow();
    const slot = Number((await schedule()).next_run_at);
    expect(slot).toBeGreaterThan(Date.now());

    // "What happens at the next 08:00": that slot is due, its period is that day, and the email is
    // queued now rather than at the simulated instant.
    const asOf = new Date(slot + 30_000);
    const before = Date.now();
    const run = await cli(['digest', 'run', '--now', asOf.toISOString()], env);
    const after = Date.now();
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^digests: 1 sent/);
    const [row, ...others] = await db.kysely
      .selectFrom('outbox')
      .select(['to_address', 'next_attempt_at', 'created_at'])
      .execute();
    expect(others).toEqual([]);
    expect(row?.to_address).toBe('bo@example.test');
    for (const at of [Number(row?.next_attempt_at), Number(row?.created_at)]) {
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
    const period = `daily:${new Date(asOf.getTime() + offset * 3_600_000).toISOString().slice(0, 10)}`;
    const runs = await db.kysely.selectFrom('digest_runs').select(['period_key', 'items']).execute();
    expect(runs).toEqual([{ period_key: period, items: 1 }]);
    expect(await schedule()).toEqual({ next_run_at: slot + 86_400_000, last_period: period });

    // The delivery job on the real clock sends it now: the .eml file is written.
    const config = parseConfig({ dataDir, database: { url: sqliteUrl }, logging: { level: 'silent' } });
    const parts = compose(config, db, { logger: pino({ level: 'silent' }) });
    deferCleanup(() => parts.transport.close());
    await parts.outbox.runOnce();
    const files = (await readdir(join(dataDir, 'mail'))).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await readFile(join(dataDir, 'mail', files[0]!)));
    expect(mail.subject).toBe('Your daily digest: 1 update in 1 project');
    expect(mail.text).toContain('Atlas');
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
