import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/adapters/db/database.js';
import { compiledConcierge } from './support/build.js';
import {
  childEnv,
  deferCleanup,
  freePort,
  repoRoot,
  runNode,
  tempFile,
  tempInstance,
  throwawayPostgres,
} from './support/processes.js';

// The CLI runs as a child process through the package bin (bin/concierge.js) of a private build
// (see support/build.ts): the very files `npx concierge` runs after install.
const compiled = compiledConcierge();
const cli = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
  runNode(compiled(), 'bin/concierge.js', args, options);

const strong = 'violet-harbour-lantern-42';

/** A fresh instance on one engine: its CLI environment and a way to read its database. */
async function instance(engine: 'sqlite' | 'postgres') {
  const { configPath, sqliteUrl } = tempInstance('logging: { level: warn }\n');
  const url = engine === 'sqlite' ? sqliteUrl : await throwawayPostgres();
  const env = childEnv({
    CONCIERGE_CONFIG: configPath,
    ...(engine === 'postgres' ? { DATABASE_URL: url } : {}),
  });
  let db: Db | undefined;
  const open = async () => {
    db ??= await openDatabase(url, { poolSize: 1 });
    return db;
  };
  deferCleanup(() => db?.close());
  const userRow = async (username: string) =>
    (await open()).kysely.selectFrom('users').selectAll().where('username', '=', username).execute();
  return { env, url, open, userRow };
}

/** An instance created and migrated once for a describe block. */
function beforeAllInstance() {
  let ready: ReturnType<typeof instance> | undefined;
  beforeAll(async () => {
    ready = instance('sqlite');
    const { env } = await ready;
    expect((await cli(['migrate'], { env })).code).toBe(0);
  });
  return () => ready!;
}

describe.each(['sqlite', 'postgres'] as const)('concierge on %s', (engine) => {
  it('migrate applies the migrations to an empty database and says the schema is current', async () => {
    const { env, open } = await instance(engine);
    const result = await cli(['migrate'], { env });
    expect(result.stderr).toContain('0001-foundation');
    expect(result.stdout).toMatch(/database schema is current/);
    expect(result.code).toBe(0);
    const applied = await (await open()).kysely
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(applied.map((r) => (r as { name: string }).name)).toContain('0001-foundation');
    const again = await cli(['migrate'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('migrations applied');
  });

  it('user create stores a local user whose password was read from stdin', async () => {
    const { env, open, userRow } = await instance(engine);
    const result = await cli(
      [
        'user',
        'create',
        '--username',
        'ada',
        '--email',
        'ada@studio.test',
        '--first',
        'Ada',
        '--last',
        'Lovelace',
        '--password-stdin',
      ],
      { env, input: `${strong}\n` },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^created user ada \(id .+\)\n$/);
    expect(result.code).toBe(0);
    const [user] = await userRow('ada');
    expect(user).toMatchObject({
      email: 'ada@studio.test',
      first_name: 'Ada',
      last_name: 'Lovelace',
      role: 'user',
      provider_id: 'local',
    });
    const credential = await (await open()).kysely
      .selectFrom('password_credentials')
      .select('hash')
      .where('user_id', '=', user!.id)
      .executeTakeFirstOrThrow();
    expect(credential.hash).toMatch(/^\$argon2id\$/);
    expect(credential.hash).not.toContain(strong);
  });

  it('user create --admin makes an administrator', async () => {
    const { env, userRow } = await instance(engine);
    const result = await cli(
      [
        'user',
        'create',
        '--username',
        'root-ada',
        '--email',
        'root@studio.test',
        '--admin',
        '--password-stdin',
      ],
      {
        env,
        input: strong,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created admin root-ada/);
    expect((await userRow('root-ada'))[0]?.role).toBe('admin');
  });

  it('user create refuses a taken username and keeps the first account', async () => {
    const { env, userRow } = await instance(engine);
    const first = await cli(
      ['user', 'create', '--username', 'grace', '--email', 'grace@studio.test', '--password-stdin'],
      { env, input: strong },
    );
    expect(first.code).toBe(0);
    const second = await cli(
      ['user', 'create', '--username', 'Grace', '--email', 'other@studio.test', '--password-stdin'],
      {
        env,
        input: strong,
      },
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/username is already taken/i);
    const rows = await userRow('grace');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.email).toBe('grace@studio.test');
  });
});

describe('concierge user create refuses bad input and stores nothing', () => {
  // One migrated database for these cases; each case uses its own username.
  const shared = beforeAllInstance();
  it.each([
    [
      'a password that is too short',
      ['--username', 'weak1', '--email', 'weak1@studio.test'],
      'short',
      /Use at least 12 characters/,
      1,
    ],
    [
      'the username as password',
      ['--username', 'weakusername', '--email', 'w2@studio.test'],
      'WeakUsername',
      /Do not use your username/,
      1,
    ],
    ['a malformed email address', ['--username', 'mail1', '--email', 'not-an-address'], strong, /email/, 1],
    [
      'a hostile username',
      ['--username', "x'; drop table users;--", '--email', 'h@studio.test'],
      strong,
      /username/,
      1,
    ],
    ['an empty stdin', ['--username', 'empty1', '--email', 'e@studio.test'], '', /stdin was empty/, 2],
    [
      'an overlong username',
      ['--username', 'u'.repeat(300), '--email', 'long@studio.test'],
      strong,
      /username/,
      1,
    ],
    [
      'an overlong first name',
      ['--username', 'longname', '--email', 'ln@studio.test', '--first', 'A'.repeat(5000)],
      strong,
      /firstName/,
      1,
    ],
    [
      'a password over 4 KiB',
      ['--username', 'bigpw', '--email', 'bp@studio.test'],
      'p'.repeat(5000),
      /more than 4096 bytes/,
      2,
    ],
  ])('with %s', async (_case, args, input, message, code) => {
    const { env, userRow } = await shared();
    const result = await cli(['user', 'create', ...args, '--password-stdin'], { env, input });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(await userRow(args[1]!)).toEqual([]);
  });

  it.each([
    [
      'without --password-stdin',
      ['--username', 'u1', '--email', 'u1@studio.test'],
      /--password-stdin is required/,
    ],
    ['without --email', ['--username', 'u1', '--password-stdin'], /--email is required/],
    [
      'with an unknown option',
      ['--username', 'u1', '--email', 'u1@studio.test', '--password', 'x', '--password-stdin'],
      /Unknown option '--password'/,
    ],
    ['with a stray argument', ['u1', '--password-stdin'], /Unexpected argument 'u1'/],
  ])('called %s: a usage error and exit 2', async (_case, args, message) => {
    const { env, userRow } = await shared();
    const result = await cli(['user', 'create', ...args], { env, input: strong });
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('concierge help');
    expect(result.code).toBe(2);
    expect(await userRow('u1')).toEqual([]);
  });
});

describe.concurrent('concierge config check', () => {
  it('prints "configuration ok" for a valid configuration', async () => {
    const { configPath } = tempInstance('server: { port: 9090, publicUrl: https://concierge.studio.test }\n');
    const result = await cli(['config', 'check'], { env: childEnv({ CONCIERGE_CONFIG: configPath }) });
    expect(result).toMatchObject({ code: 0, stdout: 'configuration ok\n', stderr: '' });
  });

  it('names every bad key on its own line and exits 1', async () => {
    const path = tempFile(
      'bad.yaml',
      [
        'server: { port: 99999, publicUrl: ftp://nope, colour: blue }',
        'logging: { level: loud }',
        'providers: []',
        'mail: { transport: smtp }',
        'serviceTokens: [short]',
      ].join('\n'),
    );
    const result = await cli(['config', 'check'], { env: childEnv({ CONCIERGE_CONFIG: path }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    for (const key of [
      'server.port',
      'server.publicUrl',
      'server: unknown key(s) colour',
      'logging.level',
      'providers',
      'mail.smtp',
      'serviceTokens.0',
    ]) {
      expect(
        lines.filter((l) => l.startsWith(key)),
        key,
      ).toHaveLength(1);
    }
    expect(lines).toHaveLength(7);
  });

  it.each([
    ['a PORT that is not a number', { PORT: 'eighty' }, /^ {2}server\.port: /m],
    [
      'a DATABASE_URL of an unknown kind',
      { DATABASE_URL: 'mysql://db/x' },
      /^ {2}database\.url: expected file:<path> or postgres/m,
    ],
    ['a missing ${VAR}', {}, /^ {2}support\.contact: environment variable CONCIERGE_E2E_UNSET is not set$/m],
  ])('reports %s', async (_case, extra, line) => {
    const { configPath } = tempInstance('support: { contact: "${CONCIERGE_E2E_UNSET}" }\n');
    const yaml = _case === 'a missing ${VAR}' ? configPath : tempInstance().configPath;
    const result = await cli(['config', 'check'], { env: childEnv({ CONCIERGE_CONFIG: yaml, ...extra }) });
    expect(result.stderr).toMatch(line);
    expect(result.code).toBe(1);
  });

  it('reports a configuration file that cannot be read, by its path', async () => {
    const missing = join(tmpdir(), 'concierge-e2e-missing', 'nowhere.yaml');
    const result = await cli(['config', 'check'], { env: childEnv({ CONCIERGE_CONFIG: missing }) });
    expect(result.stderr).toContain(`${missing}: cannot be read (ENOENT)`);
    expect(result.code).toBe(1);
  });
});

describe('concierge migrate without a database', () => {
  it('names the unreachable PostgreSQL server and exits 1 without a stack trace', async () => {
    const { configPath } = tempInstance();
    const closed = await freePort();
    const result = await cli(['migrate'], {
      env: childEnv({
        CONCIERGE_CONFIG: configPath,
        DATABASE_URL: `postgres://root@127.0.0.1:${closed}/nowhere`,
      }),
    });
    expect(result.stderr).toContain(
      `concierge: cannot reach the database at postgres 127.0.0.1:${closed}/nowhere`,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.code).toBe(1);
  });
});

describe('concierge usage', () => {
  it('help prints the usage and exits 0', async () => {
    const result = await cli(['help']);
    expect(result.stdout).toMatch(/^Usage: concierge <command>/);
    for (const command of ['migrate', 'config check', 'user create'])
      expect(result.stdout).toContain(command);
    expect(result.code).toBe(0);
  });

  it.each([[[]], [['frobnicate']], [['constructor']], [['config']], [['user', 'delete']]])(
    'an unknown or missing command %j prints the usage and exits 2',
    async (args) => {
      const result = await cli(args);
      expect(result.stderr).toContain('Usage: concierge <command>');
      expect(result.code).toBe(2);
    },
  );

  it('the package bin says how to build when the compiled CLI is missing', async () => {
    // A copy of bin/concierge.js in a folder without dist/ behaves as a fresh clone before `npm run build`.
    const root = mkdtempSync(join(tmpdir(), 'concierge-bin-'));
    deferCleanup(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'bin'));
    copyFileSync(join(repoRoot, 'bin', 'concierge.js'), join(root, 'bin', 'concierge.js'));
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, [join(root, 'bin', 'concierge.js'), 'help'], {
      encoding: 'utf8',
    });
    expect(result.stderr).toContain('the compiled CLI is missing');
    expect(result.stderr).toContain('npm run build');
    expect(result.status).toBe(1);
  });
});
