import { describe, expect, it } from 'vitest';
import { formatExact, formatExactWithZone, formatRelative, formatWhen, isTimeZone } from './date-format.js';

const now = new Date('2026-11-28T12:00:00Z');

describe('dates in the recipient’s style', () => {
  it('are relative with fuzzy dates on, in the person’s locale', () => {
    const twoDaysAgo = new Date('2026-11-26T12:00:00Z');
    expect(formatWhen(twoDaysAgo, now, { fuzzyDates: true, timeZone: 'UTC', locale: 'en' })).toBe(
      '2 days ago',
    );
    expect(formatWhen(twoDaysAgo, now, { fuzzyDates: true, timeZone: 'UTC', locale: 'sv' })).toBe(
      'i förrgår',
    );
    expect(formatRelative(new Date(now.getTime() - 5 * 60_000), now, 'en')).toBe('5 minutes ago');
    expect(formatRelative(now, now, 'en')).toBe('now');
    expect(formatRelative(new Date(now.getTime() + 3 * 3_600_000), now, 'en')).toBe('in 3 hours');
  });

  it('are exact in the person’s time zone and locale with fuzzy dates off', () => {
    const at = new Date('2026-11-28T09:05:00Z');
    expect(formatWhen(at, now, { fuzzyDates: false, timeZone: 'Europe/Stockholm', locale: 'en-GB' })).toBe(
      '28 Nov 2026, 10:05',
    );
    expect(formatExact(at, { timeZone: 'America/New_York', locale: 'en-US' })).toBe('Nov 28, 2026, 4:05 AM');
  });

  it('name the time zone when exact dates must stand on their own (account and security emails)', () => {
    const at = new Date('2026-11-29T05:12:00Z');
    expect(formatExactWithZone(at, { timeZone: 'Europe/Stockholm', locale: 'en-GB' })).toBe(
      '29 Nov 2026, 06:12 CET',
    );
    expect(formatExactWithZone(at, { timeZone: 'Europe/Stockholm', locale: 'sv-SE' })).toBe(
      '29 nov. 2026 06:12 CET',
    );
    expect(formatExactWithZone(at, { timeZone: 'America/New_York', locale: 'en-US' })).toBe(
      'Nov 29, 2026, 12:12 AM EST',
    );
    expect(formatExactWithZone(at, { timeZone: 'UTC', locale: 'en' })).toBe('Nov 29, 2026, 5:12 AM UTC');
    // An unknown zone falls back to UTC, and the name says so.
    expect(formatExactWithZone(at, { timeZone: 'Mars/Olympus', locale: 'en' })).toBe(
      'Nov 29, 2026, 5:12 AM UTC',
    );
  });

  it('fall back to English and UTC when a stored preference is unknown to this runtime', () => {
    const at = new Date('2026-11-28T09:05:00Z');
    expect(formatExact(at, { timeZone: 'Mars/Olympus', locale: 'en' })).toBe('Nov 28, 2026, 9:05 AM');
    expect(formatRelative(at, now, 'not a locale!')).toBe('3 hours ago');
  });

  it('recognise IANA time zones', () => {
    expect(isTimeZone('Europe/Stockholm')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
