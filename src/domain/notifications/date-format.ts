import type { Preferences } from '../accounts/user.js';

// Intl formatters are costly to build (tens of microseconds) and cheap to use: keep one per
// locale and zone. The set of locales and zones in use is small, so the caches stay small.
const exactCache = new Map<string, Intl.DateTimeFormat>();
const relativeCache = new Map<string, Intl.RelativeTimeFormat>();
const zoneNameCache = new Map<string, Intl.DateTimeFormat>();

function exactFormatter(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let f = exactCache.get(key);
  if (!f) {
    f = safely(
      () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
      () => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }),
    );
    exactCache.set(key, f);
  }
  return f;
}

// The zone's short name ("CET", "EST", "GMT+1") in the locale, for the zone the exact formatter really
// uses (UTC when it fell back), so the name never contradicts the time beside it.
function zoneNameFormatter(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let f = zoneNameCache.get(key);
  if (!f) {
    const zone = exactFormatter(locale, timeZone).resolvedOptions().timeZone;
    f = safely(
      () => new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }),
      () => new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'short' }),
    );
    zoneNameCache.set(key, f);
  }
  return f;
}

function relativeFormatter(locale: string): Intl.RelativeTimeFormat {
  let f = relativeCache.get(locale);
  if (!f) {
    f = safely(
      () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
      () => new Intl.RelativeTimeFormat('en', { numeric: 'auto' }),
    );
    relativeCache.set(locale, f);
  }
  return f;
}

// A stored preference may name a zone or locale this runtime's ICU lacks: fall back rather than fail.
function safely<T>(build: () => T, fallback: () => T): T {
  try {
    return build();
  } catch {
    return fallback();
  }
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** The exact date and time in the person's locale and time zone, e.g. "28 Nov 2026, 14:05". */
export function formatExact(date: Date, prefs: Pick<Preferences, 'timeZone' | 'locale'>): string {
  return exactFormatter(prefs.locale, prefs.timeZone).format(date);
}

/**
 * The exact date and time followed by the time zone's short name, e.g. "29 Nov 2026, 06:12 CET" or
 * "Nov 29, 2026, 12:12 AM EST": for account and security emails, which are read later and elsewhere,
 * so they say which zone the time is in and never use relative dates.
 */
export function formatExactWithZone(date: Date, prefs: Pick<Preferences, 'timeZone' | 'locale'>): string {
  const zone = zoneNameFormatter(prefs.locale, prefs.timeZone)
    .formatToParts(date)
    .find((part) => part.type === 'timeZoneName')?.value;
  const exact = formatExact(date, prefs);
  return zone ? `${exact} ${zone}` : exact;
}

/** A relative time such as "2 days ago" or "in 3 hours", in the person's locale. */
export function formatRelative(date: Date, now: Date, locale: string): string {
  const diff = date.getTime() - now.getTime();
  const abs = Math.abs(diff);
  for (const [unit, ms] of UNITS) {
    if (abs >= ms) return relativeFormatter(locale).format(Math.round(diff / ms), unit);
  }
  return relativeFormatter(locale).format(0, 'second');
}

/**
 * A date the way this person asked to see dates: relative ("2 days ago") with fuzzy dates on, else
 * exact in their time zone and locale. Reused by the inbox, notification emails and digests.
 */
export function formatWhen(date: Date, now: Date, prefs: Preferences): string {
  return prefs.fuzzyDates ? formatRelative(date, now, prefs.locale) : formatExact(date, prefs);
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
