import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bulkInsert } from '../../src/adapters/db/notification-rows.js';
import { engines, freshDatabase } from '../support/databases.js';

// Read caches trust db.writes to move on every write that may change a session, a user or a key,
// whichever way the statement was built, and to stay put for reads and unrelated tables.
describe.each(engines)('write watching on %s', (engine) => {
  it('moves on builder, precompiled and raw writes, and again at commit', async () => {
    const db = await freshDatabase(engine);
    const k = db.kysely;
    const moved = async (work: () => Promise<unknown>) => {
      const before = db.writes.current();
      await work();
      return db.writes.current() - before;
    };
    expect(await moved(() => k.selectFrom('users').selectAll().execute())).toBe(0);
    expect(await moved(() => k.deleteFrom('sessions').where('id', '=', 'none').execute())).toBeGreaterThan(0);
    expect(
      await moved(() =>
        k.executeQuery(
          CompiledQuery.raw(`delete from "users" where id = ${engine === 'sqlite' ? '?' : '$1'}`, ['none']),
        ),
      ),
    ).toBeGreaterThan(0);
    expect(
      await moved(() => sql`update users set first_name = 'x' where id = 'none'`.execute(k)),
    ).toBeGreaterThan(0);
    expect(await moved(() => k.deleteFrom('outbox').where('id', '=', 'none').execute())).toBe(0);
    // The ingest's multi-row inserts are SQL text: their notification tables must be recognised too.
    expect(
      await moved(() =>
        bulkInsert(
          k,
          'notification_events',
          ['id', 'idempotency_key', 'content_hash', 'type', 'title', 'occurred_at', 'created_at'],
          [['e1', 'k1', 'h', 'mention', 't', 1, 1]],
        ),
      ),
    ).toBe(0);

    // A reader that looked between the write and the commit must see the counter move again at commit.
    let atWrite = 0;
    let atEnd = 0;
    await k.transaction().execute(async (trx) => {
      await trx.deleteFrom('api_keys').where('id', '=', 'none').execute();
      atWrite = db.writes.current();
    });
    atEnd = db.writes.current();
    expect(atEnd).toBeGreaterThan(atWrite);
  });
});
