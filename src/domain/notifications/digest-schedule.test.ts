import { describe, expect, it } from 'vitest';
import {
  type DigestIntent,
  effectiveDigestIntent,
  intentKey,
  isKnownTimeZone,
  localDate,
  nextDigestAt,
  parseWallTime,
  periodKey,
  scheduleNext,
} from './digest-schedule.js';

const daily = (time: string, timeZone: string): DigestIntent => ({ frequency: 'daily', time, timeZone });
const next = (intent: DigestIntent, from: string) => nextDigestAt(intent, new Date(from))?.toISOString();

describe('nextDigestAt on ordinary days', () => {
  it('returns today’s slot when it is still ahead in the user’s zone', () => {
    expect(next(daily('08:00', 'Europe/Stockholm'), '2026-01-15T06:00:00Z')).toBe('2026-01-15T07:00:00.000Z');
  });

  it('returns tomorrow’s slot when today’s has passed', () => {
    expect(next(daily('08:00', 'Europe/Stockholm'), '2026-01-15T07:00:00Z')).toBe('2026-01-16T07:00:00.000Z');
  });

  it('is strictly after the reference instant, so a run at the slot schedules the next day', () => {
    expect(next(daily('00:00', 'UTC'), '2026-01-15T00:00:00Z')).toBe('2026-01-16T00:00:00.000Z');
  });

  it('uses the user’s local date, not the UTC date, to pick the day', () => {
    // 23:30 UTC on the 15th is already the 16th in Tokyo: 07:00 on the 16th is still ahead.
    expect(next(daily('07:00', 'Asia/Tokyo'), '2026-01-15T20:00:00Z')).toBe('2026-01-15T22:00:00.000Z');
  });

  it('returns null when digests are off', () => {
    expect(nextDigestAt({ frequency: 'off', time: '08:00', timeZone: 'UTC' }, new Date())).toBeNull();
  });
});

describe('nextDigestAt weekly', () => {
  const mondays = (time: string, timeZone: string): DigestIntent => ({
    frequency: 'weekly',
    time,
    timeZone,
    weekday: 1,
  });

  it('fires on the chosen weekday', () => {
    // 2026-01-15 is a Thursday; the next Monday is the 19th.
    expect(next(mondays('09:00', 'America/New_York'), '2026-01-15T12:00:00Z')).toBe(
      '2026-01-19T14:00:00.000Z',
    );
  });

  it('fires later the same day when today is the weekday and the slot is ahead', () => {
    expect(next(mondays('09:00', 'UTC'), '2026-01-19T08:59:00Z')).toBe('2026-01-19T09:00:00.000Z');
  });

  it('waits a whole week when today is the weekday and the slot has passed', () => {
    expect(next(mondays('09:00', 'UTC'), '2026-01-19T09:00:00Z')).toBe('2026-01-26T09:00:00.000Z');
  });

  it('uses the weekday in the user’s zone, not in UTC', () => {
    // Sunday 2026-01-18 20:00 in New York is already Monday 01:00 UTC.
    const sundays = { frequency: 'weekly', time: '20:00', timeZone: 'America/New_York', weekday: 7 } as const;
    expect(next(sundays, '2026-01-18T12:00:00Z')).toBe('2026-01-19T01:00:00.000Z');
  });

  it('refuses a weekday outside ISO 1–7', () => {
    for (const weekday of [0, 8, 1.5]) {
      expect(() => nextDigestAt({ ...mondays('09:00', 'UTC'), weekday }, new Date())).toThrow(RangeError);
    }
  });
});

describe('nextDigestAt across daylight-saving changes', () => {
  it.each([
    // Europe/Stockholm springs forward 2026-03-29 02:00 → 03:00 (+01 → +02).
    ['Europe/Stockholm', '08:00', '2026-03-28T18:00:00Z', '2026-03-29T06:00:00.000Z'],
    ['Europe/Stockholm', '02:30', '2026-03-28T12:00:00Z', '2026-03-29T01:30:00.000Z'], // 03:30 local
    ['Europe/Stockholm', '03:00', '2026-03-28T12:00:00Z', '2026-03-29T01:00:00.000Z'],
    // America/New_York springs forward 2026-03-08 02:00 → 03:00 (-05 → -04).
    ['America/New_York', '02:30', '2026-03-07T12:00:00Z', '2026-03-08T07:30:00.000Z'], // 03:30 local
    ['America/New_York', '08:00', '2026-03-07T18:00:00Z', '2026-03-08T12:00:00.000Z'],
    // Australia/Lord_Howe springs forward half an hour 2026-10-04 02:00 → 02:30 (+10:30 → +11).
    ['Australia/Lord_Howe', '02:15', '2026-10-03T00:00:00Z', '2026-10-03T15:45:00.000Z'], // 02:45 local
    ['Australia/Lord_Howe', '02:30', '2026-10-03T00:00:00Z', '2026-10-03T15:30:00.000Z'],
    // America/Santiago springs forward at midnight 2026-09-06 00:00 → 01:00 (-04 → -03).
    ['America/Santiago', '00:30', '2026-09-05T12:00:00Z', '2026-09-06T04:30:00.000Z'], // 01:30 local
    ['America/Santiago', '00:00', '2026-09-05T12:00:00Z', '2026-09-06T04:00:00.000Z'], // 01:00 local
    // America/Havana springs forward at midnight 2026-03-08 00:00 → 01:00 (-05 → -04).
    ['America/Havana', '00:10', '2026-03-07T12:00:00Z', '2026-03-08T05:10:00.000Z'], // 01:10 local
  ])(
    'spring forward in %s: %s fires at the right instant (a missing time moves forward by the gap)',
    (timeZone, time, from, expected) => {
      expect(next(daily(time, timeZone), from)).toBe(expected);
    },
  );

  it.each([
    // Europe/Stockholm falls back 2026-10-25 03:00 → 02:00: 02:30 happens at 00:30Z and 01:30Z.
    [
      'Europe/Stockholm',
      '02:30',
      '2026-10-24T12:00:00Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ],
    // America/New_York falls back 2026-11-01 02:00 → 01:00: 01:30 happens at 05:30Z and 06:30Z.
    [
      'America/New_York',
      '01:30',
      '2026-10-31T12:00:00Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ],
    // Australia/Lord_Howe falls back half an hour 2026-04-05 02:00 → 01:30: 01:45 happens twice.
    [
      'Australia/Lord_Howe',
      '01:45',
      '2026-04-04T00:00:00Z',
      '2026-04-04T14:45:00.000Z',
      '2026-04-05T15:15:00.000Z',
    ],
    // America/Santiago falls back at midnight 2026-04-05 00:00 → 2026-04-04 23:00: 23:30 happens twice.
    [
      'America/Santiago',
      '23:30',
      '2026-04-04T12:00:00Z',
      '2026-04-05T02:30:00.000Z',
      '2026-04-06T03:30:00.000Z',
    ],
    // America/Havana falls back at 01:00 → 00:00 on 2026-11-01: 00:30 happens twice.
    [
      'America/Havana',
      '00:30',
      '2026-10-31T12:00:00Z',
      '2026-11-01T04:30:00.000Z',
      '2026-11-02T05:30:00.000Z',
    ],
  ])('fall back in %s: %s fires once, at the first occurrence', (timeZone, time, from, first, following) => {
    const intent = daily(time, timeZone);
    expect(next(intent, from)).toBe(first);
    // Scheduling from the first occurrence skips the repeat of the same wall time an hour later.
    expect(next(intent, first)).toBe(following);
  });

  it('keeps 08:00 local across the autumn change, moving the UTC instant by the offset change', () => {
    const intent = daily('08:00', 'Europe/Stockholm');
    expect(next(intent, '2026-10-24T12:00:00Z')).toBe('2026-10-25T07:00:00.000Z');
    expect(next(intent, '2026-10-23T12:00:00Z')).toBe('2026-10-24T06:00:00.000Z');
  });
});

describe('helpers', () => {
  it('parses valid 24-hour times and refuses others', () => {
    expect(parseWallTime('00:00')).toEqual({ hour: 0, minute: 0 });
    expect(parseWallTime('23:59')).toEqual({ hour: 23, minute: 59 });
    for (const bad of ['24:00', '7:00', '07:60', '0700', '', '07:00 ']) expect(parseWallTime(bad)).toBeNull();
  });

  it('refuses malformed times and unknown zones when scheduling', () => {
    expect(() => nextDigestAt(daily('25:00', 'UTC'), new Date())).toThrow(RangeError);
    expect(() => nextDigestAt(daily('08:00', 'Mars/Olympus'), new Date())).toThrow(RangeError);
  });

  it('knows real IANA zones and not invented ones', () => {
    expect(isKnownTimeZone('Australia/Lord_Howe')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });

  it('names the local date of an instant in a zone', () => {
    expect(localDate('Pacific/Auckland', new Date('2026-01-15T12:00:00Z'))).toBe('2026-01-16');
    expect(localDate('America/Los_Angeles', new Date('2026-01-15T05:00:00Z'))).toBe('2026-01-14');
  });
});

describe('effective intent, periods and rescheduling', () => {
  const defaults = { frequency: 'daily', time: '08:00', weekday: 1 } as const;

  it('uses the workspace default in the user’s own zone until they choose, and their zone when theirs is null', () => {
    expect(effectiveDigestIntent(null, 'Asia/Tokyo', defaults)).toEqual({
      ...defaults,
      timeZone: 'Asia/Tokyo',
    });
    const own = { frequency: 'weekly', time: '18:00', timeZone: null, weekday: 5 } as const;
    expect(effectiveDigestIntent(own, 'Europe/Paris', defaults)).toEqual({
      ...own,
      timeZone: 'Europe/Paris',
    });
  });

  it('names an intent with a stable key', () => {
    expect(intentKey({ frequency: 'weekly', time: '18:00', timeZone: 'UTC', weekday: 5 })).toBe(
      'weekly|18:00|UTC|5',
    );
    expect(intentKey(daily('08:00', 'UTC'))).toBe('daily|08:00|UTC|1');
  });

  it('names the period by the local date of the slot, or of the run when it runs before its slot', () => {
    const intent = daily('08:00', 'Pacific/Auckland');
    const slot = new Date('2026-03-09T19:00:00Z'); // 08:00 on the 10th in Auckland
    expect(periodKey(intent, slot, new Date('2026-03-12T00:00:00Z'))).toBe('daily:2026-03-10');
    expect(periodKey(intent, slot, new Date('2026-03-09T10:00:00Z'))).toBe('daily:2026-03-09');
  });

  it('passes over a slot in the period already sent (the time moved later the same day)', () => {
    const intent = daily('20:00', 'UTC');
    const from = new Date('2026-03-10T10:00:00Z');
    expect(scheduleNext(intent, from, null)?.toISOString()).toBe('2026-03-10T20:00:00.000Z');
    expect(scheduleNext(intent, from, 'daily:2026-03-10')?.toISOString()).toBe('2026-03-11T20:00:00.000Z');
  });

  it('after a digest just sent, passes over a slot too soon after it (one digest a day, a week)', () => {
    const morning = daily('09:00', 'Europe/Stockholm');
    // A catch-up at 07:00 local (06:00Z) after downtime: not another at 09:00 the same morning.
    const catchUp = new Date('2026-03-10T06:00:00Z');
    expect(scheduleNext(morning, catchUp, 'daily:2026-03-09')?.toISOString()).toBe(
      '2026-03-10T08:00:00.000Z',
    );
    expect(scheduleNext(morning, catchUp, 'daily:2026-03-09', catchUp)?.toISOString()).toBe(
      '2026-03-11T08:00:00.000Z',
    );
    // A catch-up in the evening: the next morning's slot is another day, so it stays.
    const evening = new Date('2026-03-10T21:00:00Z');
    expect(scheduleNext(morning, evening, 'daily:2026-03-09', evening)?.toISOString()).toBe(
      '2026-03-11T08:00:00.000Z',
    );
    // A 23:59 digest that went out a minute late, past midnight, keeps that evening's slot.
    const late = daily('23:59', 'UTC');
    const sent = new Date('2026-03-11T00:00:30Z');
    expect(scheduleNext(late, sent, 'daily:2026-03-10', sent)?.toISOString()).toBe(
      '2026-03-11T23:59:00.000Z',
    );
    // Weekly on Mondays: a catch-up sent on Sunday is not followed by Monday's digest the next day,
    // one sent on Tuesday is followed by next Monday's.
    const weekly = { ...daily('09:00', 'UTC'), frequency: 'weekly', weekday: 1 } as const;
    const sunday = new Date('2026-03-15T12:00:00Z');
    expect(scheduleNext(weekly, sunday, 'weekly:2026-03-09', sunday)?.toISOString()).toBe(
      '2026-03-23T09:00:00.000Z',
    );
    const tuesday = new Date('2026-03-10T12:00:00Z');
    expect(scheduleNext(weekly, tuesday, 'weekly:2026-03-09', tuesday)?.toISOString()).toBe(
      '2026-03-16T09:00:00.000Z',
    );
  });

  it('schedules in UTC rather than stopping when the runtime does not know the zone', () => {
    const from = new Date('2026-03-10T10:00:00Z');
    expect(scheduleNext(daily('12:00', 'Mars/Olympus'), from, null)?.toISOString()).toBe(
      '2026-03-10T12:00:00.000Z',
    );
    expect(scheduleNext({ ...daily('12:00', 'UTC'), frequency: 'off' }, from, null)).toBeNull();
  });
});
