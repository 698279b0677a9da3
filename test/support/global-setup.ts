import pg from 'pg';

export const postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/** Fails the whole run loudly when PostgreSQL is missing: the store suites must run on both engines. */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is required by the tests and did not answer at ${postgresAdminUrl}: ${(error as Error).message}. ` +
        'Start it (see .ci/run) or set TEST_POSTGRES_URL.',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
