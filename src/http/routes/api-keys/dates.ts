import type { Preferences } from '../../../domain/accounts/user.js';

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** A date as the person chose to see dates: "2 days ago" (fuzzy) or exact in their time zone. */
export function displayDate(date: Date, now: Date, prefs: Preferences | null): string {
  return prefs?.fuzzyDates === false ? exactDate(date, prefs) : relativeDate(date, now, prefs?.locale);
}

/** Date and time in the person's time zone and locale (UTC and English as a fallback). */
export function exactDate(date: Date, prefs: Preferences | null): string {
  try {
    return new Intl.DateTimeFormat(prefs?.locale ?? 'en', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: prefs?.timeZone ?? 'UTC',
    }).format(date);
  } catch {
    return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
}

function relativeDate(date: Date, now: Date, locale = 'en'): string {
  const diff = date.getTime() - now.getTime();
  let format: Intl.RelativeTimeFormat;
  try {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  } catch {
    format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  }
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return format.format(Math.trunc(diff / ms), unit);
  }
  return format.format(0, 'minute');
}
