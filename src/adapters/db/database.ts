import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect, sql } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import type { Tables } from './schema.js';
import { withStatementCache } from './statement-cache.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { watchWrites } from './write-watch.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Tables>;
  readonly dialect: Dialect;
  /** Short description for logs, without credentials. */
  readonly label: string;
  /** Moves on every write this process makes to accounts, sessions or keys (read caches check it). */
  readonly writes: { current(): number };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connections (default 10). */
  readonly poolSize?: number;
  /** SQLite: checkpoint the WAL from a child process, not inside commits (the server does). */
  readonly backgroundCheckpoints?: boolean;
  /** Called with the SQL of every statement run, transaction control included (tests count work with it). */
  readonly onStatement?: (sql: string) => void;
}

/** Opens the database named by `url` (`file:<path>` or `postgres://…`) and checks that it answers. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Db> {
  if (url.startsWith('file:')) return openSqlite(url.slice('file:'.length), options);
  return openPostgres(url, options.poolSize ?? 10, options.onStatement);
}

// Pages of WAL after which a commit checkpoints (see below); with the background checkpointer only a
// safety net, should the checkpointer fall behind or die.
const AUTOCHECKPOINT_PAGES = 10_000;
const SAFETY_NET_PAGES = 50_000;

function openSqlite(path: string, options: OpenOptions): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Measured with bench/ingest.ts (BENCHMARKS.md): a batch dirties thousands of scattered index pages.
  // With the default 2 MB cache they spill into the WAL mid-transaction and are read back; a 64 MB cache
  // (an upper bound, allocated as used) keeps a batch in memory. Checkpointing every 10,000 pages
  // (~40 MB of WAL) instead of 1,000 copies a page that many batches touch once per checkpoint, and
  // fsyncs a tenth as often; the WAL file is truncated back to 64 MB after a checkpoint.
  database.pragma('cache_size = -65536');
  database.pragma('journal_size_limit = 67108864');
  const background = options.backgroundCheckpoints === true && path !== ':memory:';
  database.pragma(`wal_autocheckpoint = ${background ? SAFETY_NET_PAGES : AUTOCHECKPOINT_PAGES}`);
  const checkpointer = background
    ? startWalCheckpointer(path, {
        onFailure: () => database.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`),
      })
    : null;
  // libsql's statements are native objects the GC frees late; caching them halves memory (see notes).
  const cached = withStatementCache(database, 500);
  const writes = writeCounter();
  const kysely = new Kysely<Tables>({
    dialect: watchWrites(new SqliteDialect({ database: cached }), writes.bump),
    ...statementLog(options.onStatement),
  });
  const close = async () => {
    await checkpointer?.stop();
    await kysely.destroy();
  };
  return { kysely, dialect: 'sqlite', label: `libsql ${path}`, writes, close };
}

async function openPostgres(
  url: string,
  poolSize: number,
  onStatement: OpenOptions['onStatement'],
): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    // Timestamps are bigint epoch milliseconds: read them as numbers (safe until year 287396).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  const writes = writeCounter();
  const kysely = new Kysely<Tables>({
    dialect: watchWrites(new PostgresDialect({ pool }), writes.bump),
    ...statementLog(onStatement),
  });
  const parsed = new URL(url);
  const label = `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  try {
    await sql`select 1`.execute(kysely);
  } catch (error) {
    await kysely.destroy();
    throw new Error(`cannot reach the database at ${label}: ${(error as Error).message}`, { cause: error });
  }
  return { kysely, dialect: 'postgres', label, writes, close: () => kysely.destroy() };
}

// Kysely logs on the connection, so begin and commit are reported like any statement; failed ones too.
function statementLog(onStatement: OpenOptions['onStatement']): { log?: (event: LogEvent) => void } {
  return onStatement ? { log: (event) => onStatement(event.query.sql) } : {};
}

function writeCounter() {
  let count = 0;
  return {
    current: () => count,
    bump: () => {
      count++;
    },
  };
}

/** The database or an open transaction: stores take this so they can join the caller's transaction. */
export type Executor = Kysely<Tables>;
