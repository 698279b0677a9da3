import type { SqliteDatabase, SqliteStatement } from 'kysely';

interface PreparingDatabase {
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/**
 * Puts a bounded map of prepared statements in front of `prepare`. Kysely prepares every query; without
 * the cache, libsql statement objects pile up until a late GC and throughput halves.
 */
export function withStatementCache(database: PreparingDatabase, max: number): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) return hit;
      const statement = database.prepare(sql);
      if (cache.size >= max) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
