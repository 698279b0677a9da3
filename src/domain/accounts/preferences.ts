import type { FieldIssue } from '../shared/errors.js';
import type { Preferences } from './user.js';

let zones: Set<string> | undefined;

/** The canonical IANA name of a time zone (case as Intl spells it), or null when Intl does not know it. */
export function canonicalTimeZone(value: string): string | null {
  if (value.length === 0 || value.length > 64) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
    zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
    // Intl accepts offsets such as "+01:00" too; only IANA names are stored.
    return zones.has(resolved) || resolved === 'UTC' || /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(resolved)
      ? resolved
      : null;
  } catch {
    return null;
  }
}

/** The canonical BCP 47 form of a language tag (e.g. "en-gb" → "en-GB"), or null when it is not one. */
export function canonicalLocale(value: string): string | null {
  if (value.length === 0 || value.length > 35) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** Merges a partial update into the preferences; collects a problem per bad field. */
export function mergePreferences(
  current: Preferences,
  patch: { fuzzyDates?: boolean; timeZone?: string; locale?: string },
  issues: FieldIssue[],
): Preferences {
  let { fuzzyDates, timeZone, locale } = current;
  if (patch.fuzzyDates !== undefined) fuzzyDates = patch.fuzzyDates;
  if (patch.timeZone !== undefined) {
    const zone = canonicalTimeZone(patch.timeZone);
    if (zone) timeZone = zone;
    else
      issues.push({
        field: 'preferences.timeZone',
        message: 'must be an IANA time zone such as Europe/Paris',
      });
  }
  if (patch.locale !== undefined) {
    const tag = canonicalLocale(patch.locale);
    if (tag) locale = tag;
    else issues.push({ field: 'preferences.locale', message: 'must be a BCP 47 language tag such as en-GB' });
  }
  return { fuzzyDates, timeZone, locale };
}
