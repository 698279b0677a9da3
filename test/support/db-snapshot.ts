import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../../src/adapters/db/database.js';
import { cleanup } from './cleanup.js';

const { Client } = pg;

/**
 * What may change when a request is refused, and why. Everything else in the database must be exactly
 * as it was before a refused (4xx) request.
 */
export interface SnapshotExclusions {
  /** Whole tables left out. */
  readonly tables: readonly string[];
  /** Columns left out, per table. */
  readonly columns: Readonly<Record<string, readonly string[]>>;
  /** A SQL condition (on both engines) a row must meet to be counted, per table, given the row's name. */
  readonly rows: Readonly<Record<string, (row: string) => string>>;
}

/** Per table: row count and a digest of its rows (order-independent). */
export type Snapshot = Readonly<Record<string, string>>;

/**
 * A cheap snapshot of every table of the database (discovered from the database itself, so a table a
 * later migration adds is covered without editing this): one query for all of them.
 */
export async function snapshotter(db: Db, exclusions: SnapshotExclusions) {
  const tables = await tableColumns(db);
  const parts = Object.entries(tables)
    .filter(([table]) => table !== WRITE_LOG && !exclusions.tables.includes(table))
    .map(([table, columns]) => {
      const kept = columns.filter((c) => !(exclusions.columns[table] ?? []).includes(c));
      const condition = exclusions.rows[table];
      const where = condition ? ` where ${condition(`"${table}"`)}` : '';
      const cols = kept.map((c) => `"${c}"`).join(', ');
      return db.dialect === 'postgres'
        ? `(select count(*)::text || ':' || coalesce(md5(string_agg(r, chr(31) order by r)), '') from (select json_build_array(${cols})::text as r from "${table}"${where}) s) as "${table}"`
        : `(select count(*) || ':' || coalesce(group_concat(r, char(31)), '') from (select json_array(${cols}) as r from "${table}"${where} order by r)) as "${table}"`;
    });
  const query = sql.raw(`select ${parts.join(',\n')}`);
  const take = async (): Promise<Snapshot> => {
    const { rows } = await query.execute(db.kysely);
    const row = rows[0] as Record<string, string>;
    if (db.dialect === 'postgres') return row;
    // libsql has no digest function: the rows come back whole and are hashed here.
    return Object.fromEntries(
      Object.entries(row).map(([table, value]) => {
        const colon = value.indexOf(':');
        const digest = createHash('sha256')
          .update(value.slice(colon + 1))
          .digest('hex');
        return [table, `${value.slice(0, colon)}:${digest}`];
      }),
    );
  };
  return { tables: Object.keys(tables), take };
}

/** The tables that differ between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(before).filter((t) => before[t] !== after[t]);
}

/** The table the write log keeps; the snapshot leaves it out. */
export const WRITE_LOG = 'hostile_write_log';

/**
 * Triggers that note every committed insert, delete and real update (one that changes a column the
 * exclusions keep) of every table the snapshot covers: a refused request must add nothing to this log.
 * Reading the log after a request is one small query, where a snapshot reads every row; the snapshot
 * checks the log in turn (every change it sees must have been logged).
 */
export async function writeLog(db: Db & { url: string }, exclusions: SnapshotExclusions) {
  const tables = Object.entries(await tableColumns(db)).filter(([t]) => !exclusions.tables.includes(t));
  const pg = db.dialect === 'postgres';
  const statements: string[] = pg
    ? [
        `create table ${WRITE_LOG} (id bigserial primary key, table_name text not null)`,
        `create function ${WRITE_LOG}_note() returns trigger language plpgsql as $$ begin insert into ${WRITE_LOG} (table_name) values (TG_TABLE_NAME); return null; end $$`,
      ]
    : [`create table ${WRITE_LOG} (id integer primary key autoincrement, table_name text not null)`];
  for (const [table, columns] of tables) {
    const kept = columns.filter((c) => !(exclusions.columns[table] ?? []).includes(c));
    const only = exclusions.rows[table];
    const changed = pg
      ? `(${kept.map((c) => `old."${c}"`).join(', ')}) is distinct from (${kept.map((c) => `new."${c}"`).join(', ')})`
      : kept.map((c) => `old."${c}" is not new."${c}"`).join(' or ');
    const when = {
      insert: only ? only('new') : '',
      delete: only ? only('old') : '',
      update: only ? `(${changed}) and (${only('new')} or ${only('old')})` : changed,
    };
    for (const [event, condition] of Object.entries(when)) {
      const name = `${WRITE_LOG}_${table}_${event}`;
      statements.push(
        pg
          ? `create trigger ${name} after ${event} on "${table}" for each row${condition ? ` when (${condition})` : ''} execute function ${WRITE_LOG}_note()`
          : `create trigger ${name} after ${event} on "${table}" for each row${condition ? ` when ${condition}` : ''} begin insert into ${WRITE_LOG} (table_name) values ('${table}'); end`,
      );
    }
  }
  for (const statement of statements) await sql.raw(statement).execute(db.kysely);
  const text = `select id, table_name from ${WRITE_LOG} where id > $1 order by id`;
  type Row = { id: number | string; table_name: string };
  let read: (after: number) => Promise<Row[]>;
  if (pg) {
    // Read after every request: a connection of its own with a prepared statement costs less than
    // half of a pooled Kysely query.
    const client = new Client({ connectionString: db.url });
    await client.connect();
    cleanup(() => client.end());
    read = async (after) => (await client.query<Row>({ name: 'write-log', text, values: [after] })).rows;
  } else {
    read = async (after) => (await sql.raw<Row>(text.replace('$1', String(after))).execute(db.kysely)).rows;
  }
  let last = 0;
  return {
    /** The tables written since the previous call (one entry per row written). */
    async since(): Promise<string[]> {
      const rows = await read(last);
      if (rows.length > 0) last = Number(rows[rows.length - 1]!.id);
      return rows.map((r) => r.table_name);
    },
  };
}

async function tableColumns(db: Db): Promise<Record<string, string[]>> {
  if (db.dialect === 'postgres') {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`.execute(db.kysely);
    const out: Record<string, string[]> = {};
    for (const r of rows) out[r.table_name] = [...(out[r.table_name] ?? []), r.column_name];
    return out;
  }
  const { rows: names } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(
    db.kysely,
  );
  const out: Record<string, string[]> = {};
  for (const { name } of names) {
    const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(
      db.kysely,
    );
    out[name] = rows.map((r) => r.name);
  }
  return out;
}
