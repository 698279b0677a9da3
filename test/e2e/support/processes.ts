import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll } from 'vitest';
import { postgresAdminUrl } from '../../support/global-setup.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

// The children run on the Node that runs vitest, which must be Node 24 as in production.
if (Number(process.versions.node.split('.')[0]) < 24) {
  throw new Error(`e2e tests need Node 24 (got ${process.version}): put node_modules/.bin first on PATH`);
}

// Clean-up registered from inside tests and hooks alike runs once, after the whole test file (vitest
// ignores afterAll calls made inside a running test).
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  const failures: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    // One failing clean-up (a database already gone) must not leave the others' files and databases.
    await Promise.resolve()
      .then(cleanup)
      .catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw new AggregateError(failures, 'e2e clean-up failed');
});

/** Runs `cleanup` after the test file, in reverse order of registration. */
export function deferCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** The environment of a child: ours without the variables that would redirect it elsewhere. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !['CONCIERGE_CONFIG', 'PORT', 'DATABASE_URL', 'NODE_OPTIONS'].includes(key)) {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

/** A temporary dataDir with a config file naming it (plus `yaml`), removed after the test file. */
export function tempInstance(yaml = ''): { dataDir: string; configPath: string; sqliteUrl: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'concierge-e2e-'));
  deferCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const configPath = join(dataDir, 'concierge.yaml');
  writeFileSync(configPath, `dataDir: ${JSON.stringify(dataDir)}\n${yaml}`);
  return { dataDir, configPath, sqliteUrl: `file:${join(dataDir, 'concierge.db')}` };
}

/** Writes `text` to a new file in a temporary folder and returns its path. */
export function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'concierge-e2e-'));
  deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> …args` (a path under `cwd`) to completion, writing `input` to its stdin. */
export function runNode(
  cwd: string,
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<Finished> {
  const child = spawnNode(cwd, script, args, options.env ?? childEnv());
  child.stdin?.end(options.input ?? '');
  return finished(child);
}

/** Spawns `node <script> …args` in `cwd` on the Node that runs the tests. */
export function spawnNode(
  cwd: string,
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): ChildProcess {
  return spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Runs `node --import tsx <script> …args` from the repository root: the TypeScript sources, no build.
 * (The CLI and server-process tests use the compiled build instead: support/build.ts.)
 */
export function runTs(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: options.env ?? childEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(options.input ?? '');
  return finished(child);
}

function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A port nobody listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A throwaway PostgreSQL database (not migrated), dropped after the test file. */
export async function throwawayPostgres(): Promise<string> {
  const name = `concierge_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`create database ${name}`);
  deferCleanup(() => adminQuery(`drop database if exists ${name} with (force)`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
