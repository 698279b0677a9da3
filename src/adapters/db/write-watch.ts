import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';

// Writes to these tables never change who a credential belongs to or what GET /me shows, so they leave
// cached reads alone; a write to any other table (including one added later) clears them.
const UNRELATED_TABLES =
  /^\s*(?:insert\s+into|update|delete\s+from)\s+"(?:outbox|auth_throttle|digest_runs|digest_schedules|notification_[a-z_]+|server_secrets)"/i;
const READ = /^\s*select\b/i;
const COMMIT = /^\s*commit\b/i;
const ROLLBACK = /^\s*rollback\s*$/i;
const watched = Symbol('concierge.writeWatched');

type Watched = DatabaseConnection & { [watched]?: { dirty: boolean } };
type QueryOptions = Parameters<DatabaseConnection['executeQuery']>[1];

/**
 * Wraps a dialect so that `onWrite` runs on every statement that may change accounts, sessions or keys,
 * and again when the transaction holding one commits (readers elsewhere only see it then). Read caches
 * use it to drop what this replica changed at once, whichever code path wrote it.
 */
export function watchWrites(dialect: Dialect, onWrite: () => void): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => watchDriver(dialect.createDriver(), onWrite),
  };
}

function watchDriver(inner: Driver, onWrite: () => void): Driver {
  const driver: Driver = {
    init: (options) => inner.init(options),
    async acquireConnection(options) {
      return watchConnection(await inner.acquireConnection(options), onWrite);
    },
    beginTransaction: (connection, settings) => inner.beginTransaction(connection, settings),
    commitTransaction: (connection) => inner.commitTransaction(connection),
    rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
    releaseConnection: (connection, options) => inner.releaseConnection(connection, options),
    destroy: (options) => inner.destroy(options),
  };
  // Kysely checks whether a driver has savepoints before using them: copy them only when present.
  if (inner.savepoint) driver.savepoint = inner.savepoint.bind(inner);
  if (inner.rollbackToSavepoint) driver.rollbackToSavepoint = inner.rollbackToSavepoint.bind(inner);
  if (inner.releaseSavepoint) driver.releaseSavepoint = inner.releaseSavepoint.bind(inner);
  return driver;
}

function watchConnection(connection: Watched, onWrite: () => void): DatabaseConnection {
  // Drivers hand out the same connection objects again: patch each once.
  if (connection[watched]) return connection;
  const state = { dirty: false };
  connection[watched] = state;
  const execute = connection.executeQuery.bind(connection);
  connection.executeQuery = async <R>(
    query: CompiledQuery,
    options?: QueryOptions,
  ): Promise<QueryResult<R>> => {
    const sql = query.sql;
    if (READ.test(sql)) return execute<R>(query, options);
    if (COMMIT.test(sql)) {
      const result = await execute<R>(query, options);
      if (state.dirty) onWrite();
      state.dirty = false;
      return result;
    }
    if (ROLLBACK.test(sql)) state.dirty = false;
    else if (!UNRELATED_TABLES.test(sql) && !/^\s*(?:begin|savepoint|release)\b/i.test(sql)) {
      state.dirty = true;
      onWrite();
      try {
        return await execute<R>(query, options);
      } finally {
        // Bumped before and after: a read that started before the write must not be cached after it.
        onWrite();
      }
    }
    return execute<R>(query, options);
  };
  return connection;
}
