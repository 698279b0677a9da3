import type { Clock } from '../../domain/shared/clock.js';
import type { Transact } from '../../domain/shared/transaction.js';
import type { Db, Executor } from './database.js';
import { outboxWriter, type RenderEmail } from './outbox-store.js';
import { sessionsStore } from './sessions-store.js';
import { oneTimeTokenStore } from './tokens-store.js';
import { usersStore } from './users-store.js';

/** Every store, bound to one executor (the database or a transaction). Features add theirs here. */
export function storesFor(executor: Executor, render: RenderEmail, clock: Clock) {
  return {
    users: usersStore(executor),
    sessions: sessionsStore(executor),
    tokens: oneTimeTokenStore(executor),
    outbox: outboxWriter(executor, render, clock),
  };
}

export type Stores = ReturnType<typeof storesFor>;

/** The domain's Transact over Kysely: stores bound to one transaction. */
export function transactor(db: Db, render: RenderEmail, clock: Clock): Transact<Stores> {
  return (work) => db.kysely.transaction().execute((trx) => work(storesFor(trx, render, clock)));
}
