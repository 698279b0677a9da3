import pg from 'pg';
import { openDatabase } from '../../src/adapters/db/database.js';
import { migrateToLatest } from '../../src/adapters/db/migrate.js';

export const postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/**
 * Fails the whole run loudly when PostgreSQL is missing (the store suites must run on both engines),
 * then migrates one template database that every PostgreSQL test database is copied from: a copy takes
 * ~0.1 s, running the migrations into each new database took ~0.3 s. Test workers find its name in
 * TEST_POSTGRES_TEMPLATE; it is dropped when the run ends.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await adminQuery('select 1').catch((error: Error) => {
    throw new Error(
      `PostgreSQL is required by the tests and did not answer at ${postgresAdminUrl}: ${error.message}. ` +
        'Start it (see .ci/run) or set TEST_POSTGRES_URL.',
    );
  });
  const template = `concierge_template_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`create database ${template}`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${template}`;
  const db = await openDatabase(url.toString(), { poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    // No session may stay connected to a template while it is copied.
    await db.close();
  }
  process.env.TEST_POSTGRES_TEMPLATE = template;
  return () => adminQuery(`drop database if exists ${template} with (force)`);
}

/** Runs one statement as the administrator, on a connection of its own. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}
