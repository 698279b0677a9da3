import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { engines, freshDatabase } from '../support/databases.js';

describe('opening the database', () => {
  it('fails with a clear message naming the server, without its password, when PostgreSQL is unreachable', async () => {
    const error = await openDatabase('postgres://concierge:s3cret-pw@127.0.0.1:1/concierge').then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^cannot reach the database at postgres 127\.0\.0\.1:1\/concierge: /);
    expect(error?.message).not.toContain('s3cret-pw');
  });

  it.each(engines)('turns foreign keys on, so %s refuses an orphan row', async (engine) => {
    const db = await freshDatabase(engine);
    const orphan = db.kysely
      .insertInto('sessions')
      .values({
        id: 'orphan',
        user_id: 'no-such-user',
        created_at: 0,
        expires_at: 1,
        last_seen_at: 0,
        user_agent: null,
        ip: null,
      })
      .execute();
    await expect(orphan).rejects.toThrow(/foreign key/i);
  });

  it('keeps the embedded database in WAL mode', async () => {
    const db = await freshDatabase('sqlite');
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
  });
});
