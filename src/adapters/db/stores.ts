import { sql } from 'kysely';
import type { Clock } from '../../domain/shared/clock.js';
import type { Transact } from '../../domain/shared/transaction.js';
import { accountStore, accountTokenStore } from './account-store.js';
import { apiKeysStore } from './api-keys-store.js';
import { avatarKeysStore } from './avatar-keys-store.js';
import type { Db, Executor } from './database.js';
import { directoryRemovalsStore } from './directory-removals-store.js';
import { externalIdentitiesStore } from './external-identities-store.js';
import { knownDevicesStore } from './known-devices-store.js';
import { ingestWriter } from './notification-ingest-store.js';
import { notificationSettingsStore } from './notification-settings-store.js';
import { outboxWriter, type RenderEmail } from './outbox-store.js';
import { resetRequestStore } from './reset-requests-store.js';
import { sessionsStore } from './sessions-store.js';
import { throttleStore } from './throttle-store.js';
import { oneTimeTokenStore } from './tokens-store.js';
import { usersStore } from './users-store.js';

/** Every store, bound to one executor (the database or a transaction). Features add theirs here. */
export function storesFor(executor: Executor, render: RenderEmail, clock: Clock) {
  return {
    users: usersStore(executor),
    sessions: sessionsStore(executor),
    tokens: oneTimeTokenStore(executor),
    outbox: outboxWriter(executor, render, clock),
    apiKeys: apiKeysStore(executor),
    avatarKeys: avatarKeysStore(executor),
    accounts: accountStore(executor),
    accountTokens: accountTokenStore(executor),
    throttle: throttleStore(executor),
    identities: externalIdentitiesStore(executor),
    directoryRemovals: directoryRemovalsStore(executor),
    knownDevices: knownDevicesStore(executor),
    notificationIngest: ingestWriter(executor, clock),
    notificationSettings: notificationSettingsStore(executor),
    resetRequests: resetRequestStore(executor),
  };
}

export type Stores = ReturnType<typeof storesFor>;

/** The domain's Transact over Kysely: stores bound to one transaction. */
export function transactor(db: Db, render: RenderEmail, clock: Clock): Transact<Stores> {
  return (work) => db.kysely.transaction().execute((trx) => work(storesFor(trx, render, clock)));
}

/**
 * A Transact whose transactions run one at a time across replicas, for check-then-act rules such as
 * "no administrator exists yet": on PostgreSQL (read committed) two such transactions would otherwise
 * both see the old state. A transaction-scoped advisory lock named `lock`; SQLite has one writer already.
 */
export function serializedTransactor(
  db: Db,
  render: RenderEmail,
  clock: Clock,
  lock: string,
): Transact<Stores> {
  return (work) =>
    db.kysely.transaction().execute(async (trx) => {
      if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${lock}))`.execute(trx);
      return work(storesFor(trx, render, clock));
    });
}
