import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, type Dialect, openDatabase } from '../../src/adapters/db/database.js';
import { migrateToLatest } from '../../src/adapters/db/migrate.js';
import { cleanup } from './cleanup.js';
import { adminQuery, postgresAdminUrl } from './global-setup.js';

/** Both engines; store suites run `describe.each(engines)`. */
export const engines: readonly Dialect[] = ['sqlite', 'postgres'];

/**
 * A fresh database of the given engine, migrated unless `migrate: false`, dropped after the test file: a libsql file in a
 * temporary folder, or a throwaway PostgreSQL database on the local server. Called inside a test, it is
 * dropped when that test ends (see cleanup.ts).
 */
export async function freshDatabase(
  engine: Dialect,
  options: { migrate?: boolean; onStatement?: (sql: string) => void } = {},
): Promise<Db & { url: string }> {
  const migrate = options.migrate !== false;
  const fromTemplate = engine === 'postgres' && migrate && process.env.TEST_POSTGRES_TEMPLATE !== undefined;
  const url = engine === 'sqlite' ? sqliteUrl() : await postgresDatabase(fromTemplate);
  const db = await openDatabase(url, {
    poolSize: 5,
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
  });
  // A copy of the run's migrated template has nothing left to run.
  if (migrate && !fromTemplate) await migrateToLatest(db);
  cleanup(() => db.close());
  return Object.assign(db, { url });
}

function sqliteUrl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'concierge-test-'));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  return `file:${join(dir, 'concierge.db')}`;
}

/** A throwaway database: a copy of the run's migrated template (global-setup.ts), or empty. */
async function postgresDatabase(fromTemplate: boolean): Promise<string> {
  const name = `concierge_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const template = fromTemplate ? process.env.TEST_POSTGRES_TEMPLATE : undefined;
  await adminQuery(template ? `create database ${name} template ${template}` : `create database ${name}`);
  cleanup(() => adminQuery(`drop database if exists ${name} with (force)`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
