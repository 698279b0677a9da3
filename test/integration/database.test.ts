import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { engines, freshDatabase } from '../support/databases.js';

describe('opening the database', () => {
  it('fails with a clear message naming the server, without its password, when PostgreSQL is unreachable', async () => {
    const error = await openDatabase('postgres://concierge:s3cret-pw@127.0.0.1:1/concierge').then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^cannot reach the database at postgres 127\.0\.0\.1:1\/concierge: /);
    expect(error?.message).not.toContain('s3cret-pw');
  });

  it.each(engines)('turns foreign keys on, so %s refuses an orphan row', async (engine) => {
    const db = await freshDatabase(engine);
    const orphan = db.kysely
      .insertInto('sessions')
      .values({
        id: 'orphan',
        user_id: 'no-such-user',
        created_at: 0,
        expires_at: 1,
        last_seen_at: 0,
        user_agent: null,
        ip: null,
      })
      .execute();
    await expect(orphan).rejects.toThrow(/foreign key/i);
  });

  it('keeps the embedded database in WAL mode', async () => {
    const db = await freshDatabase('sqlite');
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
  });

  // Without the worker, these few hundred pages stay in the WAL (a commit checkpoints from 10,000 on):
  // the database file keeps its size. With it, they reach the file within moments, outside any commit.
  it.each([
    { background: true, outcome: 'on, written data reaches the database file at once' },
    { background: false, outcome: 'off, it stays in the WAL' },
  ])('background checkpoints $outcome', async ({ background }) => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-wal-'));
    const path = join(dir, 'wal.db');
    const db = await openDatabase(`file:${path}`, { backgroundCheckpoints: background });
    try {
      await sql`create table filler (n integer primary key, text text not null)`.execute(db.kysely);
      const before = statSync(path).size;
      await db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < 100; i++) {
          await sql`insert into filler (n, text) values (${i}, ${'x'.repeat(20_000)})`.execute(trx);
        }
      });
      const grown = async () => {
        for (let waited = 0; waited < 3000; waited += 50) {
          if (statSync(path).size > before + 1_000_000) return true;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return false;
      };
      expect(await grown()).toBe(background);
      const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(db.kysely);
      expect(Number(rows.rows[0]?.n)).toBe(100);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  // A process may exit at any moment, also while a checkpoint runs: its exit code must be its own (a
  // checkpointing worker thread made libsql abort the process, exit 134, in 5 exits of 12).
  it('lets a process exit with its own code in the middle of checkpoints, leaving no checkpointer behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-wal-exit-'));
    const script = join(dir, 'exit.mts');
    // The script lives outside the project: it names the modules it needs by path.
    const database = join(process.cwd(), 'src/adapters/db/database.ts');
    const kysely = join(process.cwd(), 'node_modules/kysely/dist/index.js');
    await writeFile(
      script,
      `import { sql } from ${JSON.stringify(kysely)};
import { openDatabase } from ${JSON.stringify(database)};
const db = await openDatabase(\`file:${join(dir, 'exit')}-\${process.pid}.db\`, { backgroundCheckpoints: true });
await sql\`create table f (n integer primary key, t text)\`.execute(db.kysely);
const until = Date.now() + Number(process.argv[2]);
while (Date.now() < until) {
  await db.kysely.transaction().execute(async (trx) => {
    for (let k = 0; k < 50; k++) await sql\`insert into f (t) values (\${'x'.repeat(4000)})\`.execute(trx);
  });
}
process.exit(3);
`,
    );
    try {
      const codes = await Promise.all(
        [300, 450, 600].map(
          (ms) =>
            new Promise<number | null>((resolve) => {
              const child = spawn(process.execPath, ['--import', 'tsx', script, String(ms)], {
                cwd: process.cwd(),
                stdio: ['ignore', 'ignore', 'inherit'],
              });
              child.once('exit', (code) => resolve(code));
            }),
        ),
      );
      expect(codes).toEqual([3, 3, 3]);
      // Each checkpointer names its database file, in this test's own directory, on its command line;
      // it stops once it sees its parent's channel close, after the checkpoint in hand.
      const left = () => processesNaming(dir);
      for (let waited = 0; left().length > 0 && waited < 3000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(left()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Command lines of the running processes that mention `text` (Linux /proc). */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (command.includes(text)) found.push(command);
    } catch {
      // The process ended meanwhile.
    }
  }
  return found;
}
