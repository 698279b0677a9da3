import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Db } from './database.js';
import { foundation } from './migrations/0001-foundation.js';

// Every migration, in order. Names never change once released; add a new file for each change.
function allMigrations(db: Db): Record<string, Migration> {
  return {
    '0001-foundation': foundation(db.dialect),
  };
}

function migrator(db: Db): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => allMigrations(db) };
  return new Migrator({ db: db.kysely, provider });
}

/** Applies pending migrations; returns the names applied. Concurrent replicas are serialised by Kysely's lock. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw new Error(`database migration failed: ${(error as Error).message}`, { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const list = await migrator(db).getMigrations();
  return list.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
