/**
 * When a user's next digest is due. The user states a wall-clock intent (daily at 08:00 in
 * Europe/Stockholm, or weekly on Mondays); we store that intent and a precomputed UTC instant, and
 * recompute the instant after each run and on each change. All zone arithmetic goes through
 * Intl.DateTimeFormat, so the time zone database is the runtime's.
 *
 * Daylight-saving rules: a wall time that does not exist that day (inside a spring-forward gap) moves
 * forward by the length of the gap (02:30 → 03:30); a wall time that occurs twice (fall-back) fires
 * once, at its first occurrence.
 */

import type { DigestDefaults, DigestFrequency } from './settings-ports.js';

export type { DigestDefaults, DigestFrequency };

export interface DigestIntent {
  readonly frequency: DigestFrequency;
  /** Local wall time, "HH:MM" (24-hour). */
  readonly time: string;
  /** IANA time zone, e.g. "Europe/Stockholm". */
  readonly timeZone: string;
  /** For weekly digests, the ISO weekday: 1 = Monday … 7 = Sunday (as in the settings). */
  readonly weekday?: number;
}

const DAY_MS = 86_400_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses "HH:MM" into hours and minutes, or null when it is not a valid 24-hour time. */
export function parseWallTime(time: string): { hour: number; minute: number } | null {
  const match = TIME.exec(time);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

/** True when the runtime knows `zone` as an IANA time zone. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first instant strictly after `from` at which the digest described by `intent` is due, or null
 * when digests are off. Throws a RangeError for a malformed time, weekday or unknown zone.
 */
export function nextDigestAt(intent: DigestIntent, from: Date): Date | null {
  if (intent.frequency === 'off') return null;
  const wall = parseWallTime(intent.time);
  if (!wall) throw new RangeError(`digest time must be HH:MM, got ${JSON.stringify(intent.time)}`);
  const weekday = intent.weekday ?? 1;
  if (intent.frequency === 'weekly' && !(Number.isInteger(weekday) && weekday >= 1 && weekday <= 7)) {
    throw new RangeError(`digest weekday must be 1 (Monday) to 7 (Sunday), got ${intent.weekday}`);
  }
  const start = localParts(intent.timeZone, from.getTime());
  // Day numbers since the epoch of local calendar dates; UTC is used only as a calendar here.
  const today = Math.floor(Date.UTC(start.year, start.month - 1, start.day) / DAY_MS);
  // Eight days cover a weekly slot that is today but already past; the extra days absorb a slot
  // pushed past `from` by a daylight-saving gap.
  for (let day = today - 1; day <= today + 9; day++) {
    if (intent.frequency === 'weekly' && isoWeekday(day) !== weekday) continue;
    const instant = resolveWallTime(intent.timeZone, day * DAY_MS + (wall.hour * 60 + wall.minute) * 60_000);
    if (instant > from.getTime()) return new Date(instant);
  }
  /* c8 ignore next */
  throw new Error('unreachable: a daily or weekly slot always falls within ten days');
}

/**
 * The local calendar date ("YYYY-MM-DD") of `instant` in `zone`: names a digest period, so one
 * user gets at most one digest per scheduled slot.
 */
export function localDate(zone: string, instant: Date): string {
  const p = localParts(zone, instant.getTime());
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * The UTC instant at which the wall clock of `zone` shows `wallMs` (a local date-time encoded as if
 * it were UTC). Inside a gap the result is moved forward by the gap; in an overlap it is the first
 * occurrence.
 */
function resolveWallTime(zone: string, wallMs: number): number {
  // Real zones change offset at most once within a couple of days, so the offsets a day either side
  // are the only candidates.
  const before = offsetAt(zone, wallMs - DAY_MS);
  const after = offsetAt(zone, wallMs + DAY_MS);
  // The common case, no change near this day: one offset, one instant.
  if (before === after) return wallMs - before;
  const candidates = [wallMs - before, wallMs - after].filter((t) => wallOf(zone, t) === wallMs);
  if (candidates.length > 0) return Math.min(...candidates);
  // A gap: the offset before the change, applied after it, lands `gap` later on the wall clock.
  return wallMs - before;
}

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

// Creating an Intl.DateTimeFormat costs far more than using one, and the digest run computes
// schedules for thousands of users: keep one per zone (bounded by the zones the runtime knows).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function formattedParts(zone: string, instant: number): LocalParts {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type in out) out[part.type as keyof LocalParts] = Number(part.value);
  }
  return out;
}

// formatToParts is the cost of all this arithmetic, and a run asks the same few zones about the same
// few instants thousands of times: remember each zone's offset per minute (offsets only change on
// minute boundaries). Bounded: cleared when it grows large.
const offsets = new Map<string, number>();
const MAX_OFFSETS = 50_000;

/** Offset of `zone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function offsetAt(zone: string, instant: number): number {
  const minute = Math.floor(instant / 60_000);
  const key = `${zone}|${minute}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const at = minute * 60_000;
    const p = formattedParts(zone, at);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
    if (offsets.size >= MAX_OFFSETS) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function localParts(zone: string, instant: number): LocalParts {
  const d = new Date(instant + offsetAt(zone, instant));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The wall clock of `zone` at `instant`, encoded as if it were a UTC instant (seconds dropped). */
function wallOf(zone: string, instant: number): number {
  const local = instant + offsetAt(zone, instant);
  return local - (((local % 60_000) + 60_000) % 60_000);
}

function isoWeekday(epochDay: number): number {
  return new Date(epochDay * DAY_MS).getUTCDay() || 7;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A user's own digest choice as stored; a null zone follows their display preference. */
export interface DigestChoice {
  readonly frequency: DigestFrequency;
  readonly time: string;
  readonly timeZone: string | null;
  readonly weekday: number;
}

/** The intent in force for a user: their own choice, else the workspace default, in their time zone. */
export function effectiveDigestIntent(
  choice: DigestChoice | null,
  userTimeZone: string,
  defaults: DigestDefaults,
): DigestIntent {
  if (!choice) return { ...defaults, timeZone: userTimeZone };
  return { ...choice, timeZone: choice.timeZone ?? userTimeZone };
}

/**
 * A stable string naming an intent ("daily|08:00|Europe/Stockholm|1"); a schedule stores the key it
 * was computed from, so a changed intent is noticed and the next run recomputed.
 */
export function intentKey(intent: DigestIntent): string {
  return `${intent.frequency}|${intent.time}|${intent.timeZone}|${intent.weekday ?? 1}`;
}

/**
 * The period a digest sent at `at` for the slot `slot` covers, e.g. "daily:2026-11-28": the local
 * date of the earlier of the two. A user gets at most one digest per period (a unique key).
 */
export function periodKey(intent: DigestIntent, slot: Date, at: Date): string {
  const instant = slot.getTime() <= at.getTime() ? slot : at;
  return `${intent.frequency}:${localDate(zoneOrUtc(intent.timeZone), instant)}`;
}

/**
 * The next run of a schedule, from `from`: like nextDigestAt, but a slot in the period a digest was
 * already sent for (the time was moved later the same day) is passed over for the following one, and
 * so is a slot too soon after `sentAt`, the moment a digest just went out: for daily digests a slot
 * on the same local day and less than 12 hours later (a catch-up sent at 07:00 after downtime is not
 * followed by another at 09:00; a digest a minute late past midnight still gets that evening's slot),
 * for weekly ones a slot less than 3½ days later. An unknown zone (a runtime lacking it) schedules in
 * UTC rather than stopping the digest.
 */
export function scheduleNext(
  intent: DigestIntent,
  from: Date,
  lastPeriod: string | null,
  sentAt: Date | null = null,
): Date | null {
  const safe = { ...intent, timeZone: zoneOrUtc(intent.timeZone) };
  let next = nextDigestAt(safe, from);
  if (next && lastPeriod !== null && periodKey(safe, next, next) === lastPeriod) {
    next = nextDigestAt(safe, next);
  }
  if (next && sentAt && tooSoonAfter(safe, next, sentAt)) next = nextDigestAt(safe, next);
  return next;
}

function tooSoonAfter(intent: DigestIntent, slot: Date, sentAt: Date): boolean {
  const gap = slot.getTime() - sentAt.getTime();
  if (intent.frequency === 'weekly') return gap < 3.5 * DAY_MS;
  return gap < DAY_MS / 2 && localDate(intent.timeZone, slot) === localDate(intent.timeZone, sentAt);
}

function zoneOrUtc(zone: string): string {
  return isKnownTimeZone(zone) ? zone : 'UTC';
}
