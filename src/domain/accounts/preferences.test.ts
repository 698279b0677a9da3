import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '../shared/errors.js';
import { canonicalLocale, canonicalTimeZone, mergePreferences } from './preferences.js';
import { defaultPreferences } from './user.js';

describe('preferences', () => {
  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['UTC', 'UTC'],
    ['America/Argentina/Buenos_Aires', 'America/Buenos_Aires'],
  ])('accepts the time zone %s as %s', (input, canonical) => {
    expect(canonicalTimeZone(input)).toBe(canonical);
  });

  it.each(['', 'Mars/Olympus', '+01:00', '<script>', 'x'.repeat(65)])('refuses the time zone %j', (input) => {
    expect(canonicalTimeZone(input)).toBeNull();
  });

  it.each([
    ['en', 'en'],
    ['en-gb', 'en-GB'],
    ['de-DE-u-co-phonebk', 'de-DE-u-co-phonebk'],
  ])('accepts the locale %s as %s', (input, canonical) => {
    expect(canonicalLocale(input)).toBe(canonical);
  });

  it.each(['', 'not a locale', 'en_GB!', 'x'.repeat(36)])('refuses the locale %j', (input) => {
    expect(canonicalLocale(input)).toBeNull();
  });

  it('merges a partial update and reports each bad field', () => {
    const issues: FieldIssue[] = [];
    const merged = mergePreferences(
      defaultPreferences,
      { fuzzyDates: false, timeZone: 'Nowhere', locale: 'fr' },
      issues,
    );
    expect(merged).toEqual({ fuzzyDates: false, timeZone: 'UTC', locale: 'fr' });
    expect(issues.map((i) => i.field)).toEqual(['preferences.timeZone']);
  });
});
