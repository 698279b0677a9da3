import { type RawBuilder, sql } from 'kysely';
import type { Db } from './database.js';

export interface ClaimOptions {
  /** Who claims: a per-process id, so a lease can be recognised and released. */
  readonly owner: string;
  readonly now: number;
  /** After this long an unfinished claim (a crashed worker) may be taken again. */
  readonly leaseMs: number;
  readonly limit: number;
  /** Which rows are due, besides being unleased; a boolean SQL expression over the table's columns. */
  readonly due: RawBuilder<unknown>;
  /** ORDER BY expression for fairness, e.g. sql`next_attempt_at`. */
  readonly orderBy: RawBuilder<unknown>;
}

/**
 * Claims up to `limit` due rows of `table` (columns `id`, `lease_owner`, `lease_until`) for `owner`
 * and returns their ids. On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so
 * replicas claim disjoint sets without waiting; SQLite has one writer, so the statement is atomic.
 */
export async function claimDue(db: Db, table: string, o: ClaimOptions): Promise<string[]> {
  const lock = db.dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const t = sql.table(table);
  const result = await sql<{ id: string }>`
    update ${t} set lease_owner = ${o.owner}, lease_until = ${o.now + o.leaseMs}
    where id in (
      select id from ${t}
      where (${o.due}) and (lease_until is null or lease_until < ${o.now})
      order by ${o.orderBy}
      limit ${o.limit}
      ${lock}
    )
    returning id`.execute(db.kysely);
  return result.rows.map((r) => r.id);
}
