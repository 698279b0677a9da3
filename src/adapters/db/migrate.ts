import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Db } from './database.js';
import { foundation } from './migrations/0001-foundation.js';
import { accounts } from './migrations/0002-accounts.js';
import { apiKeysAvatars } from './migrations/0003-api-keys-avatars.js';
import { notifications } from './migrations/0004-notifications.js';
import { identity } from './migrations/0005-identity.js';
import { digests } from './migrations/0006-digests.js';
import { inboxIndex } from './migrations/0007-inbox-index.js';
import { directoryRemovals } from './migrations/0008-directory-removals.js';
import { jobLeases } from './migrations/0009-job-leases.js';
import { knownDevices } from './migrations/0010-known-devices.js';
import { outboxFields } from './migrations/0011-outbox-fields.js';
import { linksAtDelivery } from './migrations/0012-links-at-delivery.js';

// Every migration, in order. Names never change once released; add a new file for each change.
function allMigrations(db: Db): Record<string, Migration> {
  return {
    '0001-foundation': foundation(db.dialect),
    '0002-accounts': accounts(db.dialect),
    '0003-api-keys-avatars': apiKeysAvatars(db.dialect),
    '0004-notifications': notifications(db.dialect),
    '0005-identity': identity(db.dialect),
    '0006-digests': digests(db.dialect),
    '0007-inbox-index': inboxIndex(),
    '0008-directory-removals': directoryRemovals(db.dialect),
    '0009-job-leases': jobLeases(db.dialect),
    '0010-known-devices': knownDevices(db.dialect),
    '0011-outbox-fields': outboxFields(),
    '0012-links-at-delivery': linksAtDelivery(db.dialect),
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
