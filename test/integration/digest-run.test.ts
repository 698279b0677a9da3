import { describe, expect, it } from 'vitest';
import { createRenderer } from '../../emails/render.js';
import type { Db } from '../../src/adapters/db/database.js';
import { digestScheduling } from '../../src/adapters/db/digest-scheduling-store.js';
import { digestTransactor } from '../../src/adapters/db/digest-store.js';
import { unsubscribeSigner } from '../../src/adapters/db/server-secret-store.js';
import type { DigestDeps } from '../../src/domain/notifications/run-digests.js';
import { runDueDigests } from '../../src/domain/notifications/run-due-digests.js';
import { verifyUnsubscribeToken } from '../../src/domain/notifications/unsubscribe-token.js';
import { engines, freshDatabase } from '../support/databases.js';
import {
  digestOutbox,
  digestPublicUrl,
  digestsFor,
  insertPending,
  insertUsers,
  testCatalog,
} from '../support/digest-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A settable clock starting at `iso`. */
function clockAt(iso: string) {
  let now = new Date(iso);
  const clock = () => now;
  return Object.assign(clock, { set: (next: string) => (now = new Date(next)) });
}

async function schedule(db: Db, userId: string) {
  return db.kysely.selectFrom('digest_schedules').selectAll().where('id', '=', userId).executeTakeFirst();
}

async function pendingCount(db: Db, userId: string) {
  const rows = await db.kysely
    .selectFrom('notification_digest_items')
    .select('id')
    .where('user_id', '=', userId)
    .where('digested_at', 'is', null)
    .execute();
  return rows.length;
}

/**
 * An instant as the product documents exact dates (medium date, short time) in `locale` and `timeZone`,
 * computed here with Intl directly rather than through the code under test.
 */
function exactIn(locale: string, timeZone: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );
}

/** ICU may put a (narrow) no-break space before AM/PM: compare hand-written literals on plain spaces. */
const plain = (s: string) => s.replace(/\s/g, ' ');

/** The digest email of one recipient, which must exist. */
async function digestTo(db: Db, userId: string) {
  const email = (await digestOutbox(db)).find((e) => e.to_address === `${userId}@example.test`);
  if (!email) throw new Error(`no digest for ${userId}`);
  return email;
}

/** One digest line as both parts show it: the text part's list item and the HTML part's time span. */
function expectLine(email: { text: string; html: string }, title: string, when: string) {
  expect(email.text).toContain(`- ${title} · ${when}\n`);
  expect(email.html).toContain(`>${title}</a>`);
  expect(email.html).toContain(`>· ${when}</span>`);
}

describe.each(engines)('digest run on %s', (engine) => {
  it('sends one digest at the user’s local time, marks the items digested and schedules the next day', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T05:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-sthlm', timeZone: 'Europe/Stockholm' }]);
    await insertPending(db, [
      { userId: 'u-sthlm', createdAt: clock().getTime() - HOUR, title: 'Shot 10 approved' },
      { userId: 'u-sthlm', createdAt: clock().getTime() - HOUR, project: 'Zephyr', type: 'comment.followed' },
    ]);

    // The first run creates the schedule: 08:00 Stockholm is 07:00Z.
    expect(await digests.job.runOnce()).toMatchObject({ sent: 0, scheduled: 1 });
    expect((await schedule(db, 'u-sthlm'))?.next_run_at).toBe(Date.parse('2026-03-10T07:00:00Z'));

    clock.set('2026-03-10T06:59:00Z');
    expect((await digests.job.runOnce()).sent).toBe(0);
    clock.set('2026-03-10T07:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(1);

    const [email, ...others] = await digestOutbox(db);
    expect(others).toHaveLength(0);
    expect(email?.to_address).toBe('u-sthlm@example.test');
    expect(email?.subject).toBe('Your daily digest: 2 updates in 2 projects');
    expect(email?.text).toContain('Shot 10 approved');
    expect(email?.text).toContain('https://concierge.test/account/notifications');
    expect(await pendingCount(db, 'u-sthlm')).toBe(0);
    const after = await schedule(db, 'u-sthlm');
    expect(after).toMatchObject({
      next_run_at: Date.parse('2026-03-11T07:00:00Z'),
      last_period: 'daily:2026-03-10',
      lease_owner: null,
    });

    // Later the same minute nothing is due: still one digest.
    expect((await digests.job.runOnce()).sent).toBe(0);
    expect(await digestOutbox(db)).toHaveLength(1);
  });

  it('shows each recipient the item times in their own date style: relative to the run, or exact in their zone and locale', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [
      { id: 'u-fuzzy', fuzzyDates: true, timeZone: 'UTC', locale: 'en' },
      { id: 'u-fuzzy-sv', fuzzyDates: true, timeZone: 'UTC', locale: 'sv-SE' },
      { id: 'u-nyc', fuzzyDates: false, timeZone: 'America/New_York', locale: 'en-US' },
      { id: 'u-sv', fuzzyDates: false, timeZone: 'Europe/Stockholm', locale: 'sv-SE' },
    ]);
    // The same two moments for everyone: yesterday morning, and two hours before the run below.
    const earlier = '2026-03-10T09:05:00Z';
    const later = '2026-03-11T10:00:00Z';
    for (const userId of ['u-fuzzy', 'u-fuzzy-sv', 'u-nyc', 'u-sv']) {
      await insertPending(db, [
        { userId, createdAt: Date.parse(earlier), title: `Earlier for ${userId}` },
        { userId, createdAt: Date.parse(later), title: `Later for ${userId}` },
      ]);
    }
    // Schedules at 08:00 in each user's own zone: Stockholm 07:00Z, UTC 08:00Z, New York (EDT since
    // 8 March) 12:00Z. None is due yet.
    expect(await digests.job.runOnce()).toMatchObject({ sent: 0, scheduled: 4 });
    expect((await schedule(db, 'u-sv'))?.next_run_at).toBe(Date.parse('2026-03-11T07:00:00Z'));
    expect((await schedule(db, 'u-fuzzy'))?.next_run_at).toBe(Date.parse('2026-03-11T08:00:00Z'));
    expect((await schedule(db, 'u-nyc'))?.next_run_at).toBe(Date.parse('2026-03-11T12:00:00Z'));

    // One run after all the slots: one group, each recipient formatted with their own preferences.
    clock.set('2026-03-11T12:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(4);

    // Fuzzy: relative to the run's now (12:00:30Z), not to when the items arrived.
    const fuzzy = await digestTo(db, 'u-fuzzy');
    expectLine(fuzzy, 'Later for u-fuzzy', '2 hours ago');
    expectLine(fuzzy, 'Earlier for u-fuzzy', 'yesterday');
    // …and in their locale.
    const fuzzySv = await digestTo(db, 'u-fuzzy-sv');
    expectLine(fuzzySv, 'Later for u-fuzzy-sv', 'för 2 timmar sedan');
    expectLine(fuzzySv, 'Earlier for u-fuzzy-sv', 'i går');

    // Exact, New York, en-US: 09:05Z is 05:05 EDT (UTC-4 after the 8 March change, not UTC-5).
    const nyc = await digestTo(db, 'u-nyc');
    const nycEarlier = exactIn('en-US', 'America/New_York', earlier);
    const nycLater = exactIn('en-US', 'America/New_York', later);
    expect([plain(nycEarlier), plain(nycLater)]).toEqual(['Mar 10, 2026, 5:05 AM', 'Mar 11, 2026, 6:00 AM']);
    expectLine(nyc, 'Earlier for u-nyc', nycEarlier);
    expectLine(nyc, 'Later for u-nyc', nycLater);

    // Exact, Stockholm, sv-SE: 09:05Z is 10:05 CET, in Swedish date order and month names.
    const sv = await digestTo(db, 'u-sv');
    const svEarlier = exactIn('sv-SE', 'Europe/Stockholm', earlier);
    const svLater = exactIn('sv-SE', 'Europe/Stockholm', later);
    expect([plain(svEarlier), plain(svLater)]).toEqual(['10 mars 2026 10:05', '11 mars 2026 11:00']);
    expectLine(sv, 'Earlier for u-sv', svEarlier);
    expectLine(sv, 'Later for u-sv', svLater);

    // Nobody got another's style.
    for (const exact of [nyc, sv]) expect(`${exact.text}${exact.html}`).not.toMatch(/ ago|yesterday/);
    for (const relative of [fuzzy, fuzzySv]) {
      expect(`${relative.text}${relative.html}`).not.toMatch(/(Mar|mars) 1[01]/);
    }
  });

  it('sends at the digest’s own time zone but shows times in the user’s preferred zone when the two differ', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [
      // The digest follows New York (07:00 there); the user reads dates in Stockholm time.
      { id: 'u-split', fuzzyDates: false, timeZone: 'Europe/Stockholm', locale: 'en-GB' },
      // No digest zone of its own: the digest follows the user's preference, Stockholm.
      { id: 'u-same', fuzzyDates: false, timeZone: 'Europe/Stockholm', locale: 'en-GB' },
    ]);
    for (const userId of ['u-split', 'u-same']) {
      await db.kysely
        .insertInto('notification_user_settings')
        .values({
          user_id: userId,
          digest_frequency: 'daily',
          digest_time: '07:00',
          digest_time_zone: userId === 'u-split' ? 'America/New_York' : null,
          digest_weekday: 1,
          notify_own_actions: 0,
          updated_at: clock().getTime(),
        })
        .execute();
    }
    const at = '2026-03-10T09:05:00Z';
    await insertPending(db, [
      { userId: 'u-split', createdAt: Date.parse(at), title: 'Split zones' },
      { userId: 'u-same', createdAt: Date.parse(at), title: 'One zone' },
    ]);
    await digests.job.runOnce();
    // 07:00 New York (EDT) is 11:00Z; 07:00 Stockholm (CET) is 06:00Z.
    expect((await schedule(db, 'u-split'))?.next_run_at).toBe(Date.parse('2026-03-11T11:00:00Z'));
    expect((await schedule(db, 'u-same'))?.next_run_at).toBe(Date.parse('2026-03-11T06:00:00Z'));

    clock.set('2026-03-11T10:59:00Z');
    expect((await digests.job.runOnce()).sent).toBe(1);
    expect((await digestOutbox(db)).map((e) => e.to_address)).toEqual(['u-same@example.test']);
    clock.set('2026-03-11T11:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(1);

    // Both show 09:05Z in Stockholm time (10:05 CET), whatever zone the digest is sent by.
    const stockholm = exactIn('en-GB', 'Europe/Stockholm', at);
    expect(plain(stockholm)).toBe('10 Mar 2026, 10:05');
    expectLine(await digestTo(db, 'u-split'), 'Split zones', stockholm);
    expectLine(await digestTo(db, 'u-same'), 'One zone', stockholm);
    expect((await digestTo(db, 'u-split')).text).not.toContain(
      plain(exactIn('en-GB', 'America/New_York', at)),
    );
  });

  it('carries a one-click unsubscribe for the digest stream that names this user', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-unsub' }]);
    await insertPending(db, [{ userId: 'u-unsub', createdAt: clock().getTime() - HOUR }]);
    await digests.job.runOnce({ userId: 'u-unsub' });
    const [email] = await digestOutbox(db);
    const headers = JSON.parse(email!.headers) as Record<string, string>;
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const url = /^<(https:\/\/concierge\.test\/unsubscribe\?token=[^>]+)>$/.exec(
      headers['List-Unsubscribe']!,
    )?.[1];
    expect(url).toBeDefined();
    const token = new URL(url!).searchParams.get('token')!;
    expect(verifyUnsubscribeToken(await unsubscribeSigner(db)(), token)).toEqual({
      userId: 'u-unsub',
      stream: { kind: 'digest' },
    });
    expect(email!.text).toContain(url);
    expect(headers['List-Id']).toContain('digest.notifications.concierge.test');
  });

  it('leaves out items already read in the inbox, and sends nothing when all were read', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-some-read' }, { id: 'u-all-read' }]);
    const t = clock().getTime() - HOUR;
    await insertPending(db, [
      { userId: 'u-some-read', createdAt: t, read: true, title: 'Already seen' },
      { userId: 'u-some-read', createdAt: t, title: 'Not seen yet' },
      { userId: 'u-all-read', createdAt: t, read: true },
    ]);
    await digests.job.runOnce();
    clock.set('2026-03-11T08:00:00Z');
    const report = await digests.job.runOnce();
    expect(report).toMatchObject({ sent: 1, empty: 1 });
    const emails = await digestOutbox(db);
    expect(emails.map((e) => e.to_address)).toEqual(['u-some-read@example.test']);
    expect(emails[0]!.text).toContain('Not seen yet');
    expect(emails[0]!.text).not.toContain('Already seen');
    // Read items leave the queue too; the empty user's schedule still advanced.
    expect(await pendingCount(db, 'u-some-read')).toBe(0);
    expect(await pendingCount(db, 'u-all-read')).toBe(0);
    expect((await schedule(db, 'u-all-read'))?.next_run_at).toBe(Date.parse('2026-03-12T08:00:00Z'));
  });

  it('sends one digest with everything pending after days of downtime, not one per missed day', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-01T09:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-down' }]);
    await insertPending(db, [{ userId: 'u-down', createdAt: clock().getTime() }]);
    await digests.job.runOnce();
    expect((await schedule(db, 'u-down'))?.next_run_at).toBe(Date.parse('2026-03-02T08:00:00Z'));
    for (let day = 0; day < 4; day++) {
      await insertPending(db, [
        { userId: 'u-down', createdAt: Date.parse('2026-03-01T10:00:00Z') + day * DAY },
      ]);
    }
    clock.set('2026-03-05T12:00:00Z');
    expect((await digests.job.runOnce()).sent).toBe(1);
    const emails = await digestOutbox(db);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toContain('5 updates');
    expect((await schedule(db, 'u-down'))?.next_run_at).toBe(Date.parse('2026-03-06T08:00:00Z'));
    // Everything went in that one digest, recorded as one run; running again catches up nothing more.
    expect(await pendingCount(db, 'u-down')).toBe(0);
    const runs = await db.kysely
      .selectFrom('digest_runs')
      .selectAll()
      .where('user_id', '=', 'u-down')
      .execute();
    expect(runs.map((r) => Number(r.items))).toEqual([5]);
    expect((await digests.job.runOnce()).sent).toBe(0);
    // Back to normal: the next day's item goes out at the next day's slot, alone.
    await insertPending(db, [
      { userId: 'u-down', createdAt: Date.parse('2026-03-05T20:00:00Z'), title: 'Back' },
    ]);
    clock.set('2026-03-06T08:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(1);
    const after = await digestOutbox(db);
    expect(after).toHaveLength(2);
    const next = after.find((e) => e.text.includes('Back'));
    expect(next?.subject).toBe('Your daily digest: 1 update in 1 project');
  });

  it('does not follow a catch-up digest sent early in the morning with another at that day’s slot', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-01T09:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-early' }]);
    await insertPending(db, [{ userId: 'u-early', createdAt: clock().getTime() }]);
    await digests.job.runOnce();
    expect((await schedule(db, 'u-early'))?.next_run_at).toBe(Date.parse('2026-03-02T08:00:00Z'));
    // Down from before the 2nd's 08:00 slot until 06:00 on the 4th, two hours before that day's slot.
    clock.set('2026-03-04T06:00:00Z');
    expect((await digests.job.runOnce()).sent).toBe(1);
    expect((await schedule(db, 'u-early'))?.next_run_at).toBe(Date.parse('2026-03-05T08:00:00Z'));
    await insertPending(db, [{ userId: 'u-early', createdAt: Date.parse('2026-03-04T07:00:00Z') }]);
    clock.set('2026-03-04T08:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(0);
    clock.set('2026-03-05T08:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(1);
    expect(await digestOutbox(db)).toHaveLength(2);
  });

  it('sends no email on a due day with nothing pending, and the schedule still advances', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T07:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-quiet' }]);
    await insertPending(db, [{ userId: 'u-quiet', createdAt: clock().getTime() - HOUR, title: 'Day one' }]);
    await digests.job.runOnce();
    clock.set('2026-03-10T08:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(1);
    expect((await schedule(db, 'u-quiet'))?.next_run_at).toBe(Date.parse('2026-03-11T08:00:00Z'));

    // Day two: not a single pending item, not even a read one.
    expect(await pendingCount(db, 'u-quiet')).toBe(0);
    clock.set('2026-03-11T08:00:30Z');
    expect(await digests.job.runOnce()).toMatchObject({ sent: 0, empty: 1 });
    expect(await digestOutbox(db)).toHaveLength(1);
    expect(await schedule(db, 'u-quiet')).toMatchObject({
      next_run_at: Date.parse('2026-03-12T08:00:00Z'),
      last_period: 'daily:2026-03-10',
      lease_owner: null,
    });
    // Advanced, not stuck: the same day asks nothing more, and day three sends what came in.
    expect(await digests.job.runOnce()).toMatchObject({ sent: 0, empty: 0 });
    await insertPending(db, [
      { userId: 'u-quiet', createdAt: Date.parse('2026-03-11T15:00:00Z'), title: 'Day three' },
    ]);
    clock.set('2026-03-12T08:00:30Z');
    expect((await digests.job.runOnce()).sent).toBe(1);
    const emails = await digestOutbox(db);
    expect(emails).toHaveLength(2);
    const third = emails.find((e) => e.text.includes('Day three'));
    expect(third?.subject).toBe('Your daily digest: 1 update in 1 project');
    expect(third?.text).not.toContain('Day one');
  });

  it('keeps items that arrive after the cutoff for the next digest', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T08:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-late' }]);
    await insertPending(db, [
      { userId: 'u-late', createdAt: clock().getTime() - HOUR },
      { userId: 'u-late', createdAt: clock().getTime() + 5_000 },
    ]);
    await digests.job.runOnce({ userId: 'u-late' });
    expect(await pendingCount(db, 'u-late')).toBe(1);
    expect((await digestOutbox(db))[0]!.subject).toContain('1 update');
  });

  it('recomputes the schedule when the user changes the digest settings or their time zone', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-change', timeZone: 'UTC' }]);
    await insertPending(db, [{ userId: 'u-change', createdAt: clock().getTime() }]);
    await digests.job.runOnce();
    expect((await schedule(db, 'u-change'))?.next_run_at).toBe(Date.parse('2026-03-11T08:00:00Z'));

    await db.kysely
      .updateTable('users')
      .set({ time_zone: 'America/New_York' })
      .where('id', '=', 'u-change')
      .execute();
    await digests.job.runOnce();
    expect((await schedule(db, 'u-change'))?.next_run_at).toBe(Date.parse('2026-03-11T12:00:00Z'));

    await db.kysely
      .insertInto('notification_user_settings')
      .values({
        user_id: 'u-change',
        digest_frequency: 'weekly',
        digest_time: '17:30',
        digest_time_zone: 'Asia/Tokyo',
        digest_weekday: 5,
        notify_own_actions: 0,
        updated_at: clock().getTime(),
      })
      .execute();
    // The settings route calls reschedule at once; the job would catch it within a minute otherwise.
    expect((await digests.reschedule('u-change'))?.toISOString()).toBe('2026-03-13T08:30:00.000Z');
    expect(await digests.nextDigestAt('u-change')).toEqual(new Date('2026-03-13T08:30:00Z'));

    await db.kysely.updateTable('notification_user_settings').set({ digest_frequency: 'off' }).execute();
    expect(await digests.nextDigestAt('u-change')).toBeNull();
    await digests.job.runOnce();
    expect((await schedule(db, 'u-change'))?.next_run_at).toBeNull();
  });

  it('sends at most one digest per period: a slot moved later the same day waits for the next day', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T08:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-period' }]);
    await insertPending(db, [{ userId: 'u-period', createdAt: clock().getTime() - HOUR }]);
    await digests.job.runOnce({ userId: 'u-period' });
    await insertPending(db, [{ userId: 'u-period', createdAt: clock().getTime() + HOUR }]);
    clock.set('2026-03-10T10:00:00Z');
    await db.kysely
      .insertInto('notification_user_settings')
      .values({
        user_id: 'u-period',
        digest_frequency: 'daily',
        digest_time: '20:00',
        digest_time_zone: null,
        digest_weekday: 1,
        notify_own_actions: 0,
        updated_at: clock().getTime(),
      })
      .execute();
    expect((await digests.reschedule('u-period'))?.toISOString()).toBe('2026-03-11T20:00:00.000Z');
  });

  it('never sends a second digest for a period already recorded, and keeps the items for the next', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-dup' }]);
    await insertPending(db, [{ userId: 'u-dup', createdAt: clock().getTime() - HOUR }]);
    await db.kysely
      .insertInto('digest_runs')
      .values({ user_id: 'u-dup', period_key: 'daily:2026-03-10', items: 1, created_at: clock().getTime() })
      .execute();
    const report = await digests.job.runOnce({ userId: 'u-dup' });
    expect(report.sent).toBe(0);
    expect(await digestOutbox(db)).toHaveLength(0);
    expect(await pendingCount(db, 'u-dup')).toBe(1);
  });

  it('does not run a schedule another live worker has leased, and takes it over once the lease expires', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const mine = digestsFor(db, clock, { owner: 'worker-a', leaseMs: 60_000 });
    const theirs = digestsFor(db, clock, { owner: 'worker-b', leaseMs: 60_000 });
    await insertUsers(db, [{ id: 'u-lease' }]);
    await insertPending(db, [{ userId: 'u-lease', createdAt: clock().getTime() - HOUR }]);
    await mine.job.runOnce();
    await db.kysely
      .updateTable('digest_schedules')
      .set({
        next_run_at: clock().getTime(),
        lease_owner: 'worker-b',
        lease_until: clock().getTime() + 60_000,
      })
      .execute();
    expect((await mine.job.runOnce()).sent).toBe(0);
    clock.set('2026-03-10T12:01:01Z');
    expect((await mine.job.runOnce()).sent).toBe(1);
    // The worker that lost its lease finds it gone and writes nothing.
    expect((await theirs.job.runOnce()).sent).toBe(0);
    expect(await digestOutbox(db)).toHaveLength(1);
  });

  it('sends nothing to a disabled user and still advances their schedule', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-disabled', disabled: true }]);
    await insertPending(db, [{ userId: 'u-disabled', createdAt: clock().getTime() - HOUR }]);
    await digests.job.runOnce({ userId: 'u-disabled' });
    expect(await digestOutbox(db)).toHaveLength(0);
    expect((await schedule(db, 'u-disabled'))?.next_run_at).toBe(Date.parse('2026-03-11T08:00:00Z'));
  });

  it('previews what the next digest would hold without sending or consuming anything', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    const digests = digestsFor(db, clock);
    await insertUsers(db, [{ id: 'u-preview' }]);
    await insertPending(db, [
      { userId: 'u-preview', createdAt: clock().getTime() - HOUR, project: 'Atlas' },
      { userId: 'u-preview', createdAt: clock().getTime() - HOUR, project: null, read: true },
    ]);
    const preview = await digests.preview('u-preview');
    expect(preview).toMatchObject({ frequency: 'daily', summary: '1 update in 1 project' });
    expect(preview?.nextDigestAt?.toISOString()).toBe('2026-03-11T08:00:00.000Z');
    expect(preview?.content.projects[0]?.types[0]?.items[0]?.when).toBe('1 hour ago');
    expect(await pendingCount(db, 'u-preview')).toBe(2);
    expect(await digests.preview('nobody')).toBeNull();
  });

  it('undoes only the failing user of a shared transaction; the others commit and the failed one is retried', async () => {
    const db = await freshDatabase(engine);
    const clock = clockAt('2026-03-10T12:00:00Z');
    await insertUsers(db, [{ id: 'g-1' }, { id: 'g-2' }, { id: 'g-3' }]);
    await insertPending(
      db,
      ['g-1', 'g-2', 'g-3'].map((userId) => ({ userId, createdAt: clock().getTime() - HOUR })),
    );
    await digestsFor(db, clock).job.runOnce();
    await db.kysely.updateTable('digest_schedules').set({ next_run_at: clock().getTime() }).execute();

    // The real stores, with the outbox refusing g-2's email (as a failing render or insert would).
    const options = {
      owner: 'grouped',
      leaseMs: 60_000,
      defaults: { frequency: 'daily', time: '08:00', weekday: 1 } as const,
    };
    const real = digestTransactor(db, options, createRenderer(digestPublicUrl), clock);
    let refuse = true;
    const transact: DigestDeps['transact'] = (work) =>
      real((stores) =>
        work({
          ...stores,
          outbox: {
            enqueue: async (email) => {
              if (refuse && email.to.startsWith('g-2@')) throw new Error('the outbox refused g-2');
              await stores.outbox.enqueue(email);
            },
          },
        }),
      );
    const deps = {
      transact,
      scheduling: digestScheduling(db, options),
      catalog: testCatalog,
      signer: unsubscribeSigner(db),
      clock,
      publicUrl: digestPublicUrl,
      listIdDomain: 'concierge.test',
      limit: 50,
      groupSize: 3,
    };
    const failed: string[] = [];
    const report = await runDueDigests(deps, {
      batchSize: 10,
      maxBatches: 1,
      onError: (userId) => failed.push(userId),
    });
    expect(report).toMatchObject({ sent: 2, failed: 1 });
    expect(failed).toEqual(['g-2']);
    expect((await digestOutbox(db)).map((e) => e.to_address).sort()).toEqual([
      'g-1@example.test',
      'g-3@example.test',
    ]);
    expect(await pendingCount(db, 'g-2')).toBe(1);
    expect(await schedule(db, 'g-2')).toMatchObject({
      lease_owner: 'grouped',
      next_run_at: clock().getTime(),
    });

    refuse = false;
    clock.set('2026-03-10T12:01:01Z');
    expect((await runDueDigests(deps, { batchSize: 10, maxBatches: 1 })).sent).toBe(1);
    expect(await digestOutbox(db)).toHaveLength(3);
  });
});
