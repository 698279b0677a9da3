import { CompiledQuery } from 'kysely';
import type { ChannelOverride } from '../../domain/notifications/catalog.js';
import type { Executor } from './database.js';

/** 0/1/null columns as a sparse override. */
export function toOverride(row: {
  inbox: number | null;
  email: number | null;
  digest: number | null;
}): ChannelOverride {
  const b = (v: number | null) => (v === null ? null : v === 1);
  return { inbox: b(row.inbox), email: b(row.email), digest: b(row.digest) };
}

/** A sparse override as 0/1/null columns. */
export function fromOverride(o: ChannelOverride): {
  inbox: number | null;
  email: number | null;
  digest: number | null;
} {
  const n = (v: boolean | null) => (v === null ? null : v ? 1 : 0);
  return { inbox: n(o.inbox), email: n(o.email), digest: n(o.digest) };
}

export function isEmpty(o: ChannelOverride): boolean {
  return o.inbox === null && o.email === null && o.digest === null;
}

/**
 * Splits rows into chunks of a fixed size, so a multi-row INSERT compiles to the same SQL (and hits the
 * SQLite statement cache) for every full chunk; parameters stay far below both engines' limits.
 */
export function chunks<T>(rows: readonly T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

// Placeholder style per executor, found once by compiling a trivial query (`?` SQLite, `$n` PostgreSQL).
const numbered = new WeakMap<object, boolean>();
function usesNumbered(db: Executor): boolean {
  let found = numbered.get(db);
  if (found === undefined) {
    found = db.selectFrom('users').select('id').where('id', '=', '').compile().sql.includes('$1');
    numbered.set(db, found);
  }
  return found;
}

const sqlCache = new Map<string, string>();

/**
 * A multi-row INSERT written as SQL text once per (table, columns, row count, engine) and run through
 * Kysely's `executeQuery`: the ingest hot path skips building and compiling a query tree per row (about
 * 6 µs a row), and every full chunk reuses one prepared statement from the SQLite statement cache.
 * Identifiers are quoted as Kysely quotes them, so write-watch.ts recognises the notification tables and
 * an ingest does not clear the account read caches.
 */
export async function bulkInsert(
  db: Executor,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<number> {
  let inserted = 0;
  const pg = usesNumbered(db);
  for (const part of chunks(rows)) {
    const key = `${pg}|${table}|${columns.join(',')}|${part.length}|${suffix}`;
    let text = sqlCache.get(key);
    if (text === undefined) {
      let n = 0;
      const row = () => `(${columns.map(() => (pg ? `$${++n}` : '?')).join(', ')})`;
      text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: part.length }, row).join(', ')} ${suffix}`;
      if (sqlCache.size > 2000) sqlCache.clear();
      sqlCache.set(key, text);
    }
    const result = await db.executeQuery(CompiledQuery.raw(text, part.flat()));
    inserted += Number(result.numAffectedRows ?? 0);
  }
  return inserted;
}
