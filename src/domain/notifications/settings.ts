import type { Clock } from '../shared/clock.js';
import { checkFieldsMessage, DomainError, type FieldIssue } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import {
  type Catalog,
  CHANNELS,
  type Channel,
  type ChannelOverride,
  type Channels,
  NO_OVERRIDE,
} from './catalog.js';
import { isTimeZone } from './date-format.js';
import { resolveSetting, workspaceDefault } from './preferences.js';
import type {
  DigestDefaults,
  DigestFrequency,
  NotificationSettingsStore,
  ProfileReader,
  StoredUserSettings,
} from './settings-ports.js';

export interface TypeSettingView {
  readonly type: string;
  readonly label: string;
  readonly description: string;
  readonly channels: Channels;
  /** What the user gets when they follow the workspace default. */
  readonly defaults: Channels;
  readonly digestible: boolean;
  readonly locked?: true;
}

export interface DigestSettingsView {
  readonly frequency: DigestFrequency;
  readonly time: string;
  readonly timeZone: string;
  readonly weekday?: number;
}

export interface SettingsView {
  readonly types: readonly TypeSettingView[];
  readonly digest: DigestSettingsView;
  readonly notifyOwnActions: boolean;
}

/** A channel set to true/false, or null to follow the workspace default again. */
export type ChannelChange = Partial<Record<Channel, boolean | null>>;

export interface SettingsUpdate {
  readonly types?: readonly { readonly type: string; readonly channels: ChannelChange }[];
  readonly digest?: {
    readonly frequency?: DigestFrequency;
    readonly time?: string;
    readonly timeZone?: string | null;
    readonly weekday?: number;
  };
  readonly notifyOwnActions?: boolean;
}

export interface SettingsDeps {
  readonly catalog: Catalog;
  readonly settings: NotificationSettingsStore;
  readonly profiles: ProfileReader;
  readonly digestDefaults: DigestDefaults;
  readonly clock: Clock;
  readonly transact: Transact<{ notificationSettings: NotificationSettingsStore }>;
}

/** The stored settings of a user, or the workspace defaults. */
export function storedOrDefault(stored: StoredUserSettings | null, d: DigestDefaults): StoredUserSettings {
  return (
    stored ?? {
      digestFrequency: d.frequency,
      digestTime: d.time,
      digestTimeZone: null,
      digestWeekday: d.weekday,
      notifyOwnActions: false,
    }
  );
}

/** The user's matrix (effective values), digest schedule and own-actions choice. */
export async function getSettings(deps: SettingsDeps, userId: string): Promise<SettingsView> {
  const [workspace, overrides, stored, profile] = await Promise.all([
    deps.settings.workspaceDefaults(),
    deps.settings.userOverrides(userId),
    deps.settings.userSettings(userId),
    deps.profiles.findById(userId),
  ]);
  const s = storedOrDefault(stored, deps.digestDefaults);
  const types = deps.catalog.types.map((type): TypeSettingView => {
    const ws = workspace.get(type.type);
    return {
      type: type.type,
      label: type.label,
      description: type.description,
      channels: resolveSetting(type, ws, overrides.get(type.type)).channels,
      defaults: workspaceDefault(type, ws),
      digestible: type.digestible,
      ...(type.locked ? { locked: true as const } : {}),
    };
  });
  return {
    types,
    digest: {
      frequency: s.digestFrequency,
      time: s.digestTime,
      timeZone: s.digestTimeZone ?? profile?.preferences.timeZone ?? 'UTC',
      ...(s.digestFrequency === 'weekly' ? { weekday: s.digestWeekday } : {}),
    },
    notifyOwnActions: s.notifyOwnActions,
  };
}

/**
 * Applies a partial change: only the channels named change. Switching a channel of a locked type
 * answers 409 `notification_locked` (sending its current value back is allowed); nothing is stored
 * unless every part is valid.
 */
export async function updateSettings(
  deps: SettingsDeps,
  userId: string,
  update: SettingsUpdate,
): Promise<SettingsView> {
  const issues: FieldIssue[] = [];
  const changes = checkTypeChanges(deps.catalog, update.types ?? [], issues, 'types');
  if (update.digest?.timeZone && !isTimeZone(update.digest.timeZone)) {
    issues.push({
      field: 'digest.timeZone',
      message: `"${update.digest.timeZone.slice(0, 64)}" is not a known IANA time zone, e.g. Europe/Stockholm`,
    });
  }
  throwIssues(issues);
  // GET shows the profile's zone when the digest follows it; sending that back keeps it following, so
  // a later change of the profile's zone still moves the digest. Read before the transaction: on libsql
  // a read outside it would wait for it.
  const profileZone = update.digest?.timeZone
    ? ((await deps.profiles.findById(userId))?.preferences.timeZone ?? 'UTC')
    : undefined;
  await deps.transact(async ({ notificationSettings: store }) => {
    const now = deps.clock();
    if (changes.length > 0) {
      const current = await store.userOverrides(userId);
      const merged = changes.map(({ type, channels }) => ({
        type,
        override: merge(current.get(type) ?? NO_OVERRIDE, channels),
      }));
      await store.saveUserOverrides(userId, merged, now);
    }
    if (update.digest || update.notifyOwnActions !== undefined) {
      const s = storedOrDefault(await store.userSettings(userId), deps.digestDefaults);
      const d = update.digest ?? {};
      const zone =
        d.timeZone === undefined || (s.digestTimeZone === null && d.timeZone === profileZone)
          ? s.digestTimeZone
          : d.timeZone;
      await store.saveUserSettings(
        userId,
        {
          digestFrequency: d.frequency ?? s.digestFrequency,
          digestTime: d.time ?? s.digestTime,
          digestTimeZone: zone,
          digestWeekday: d.weekday ?? s.digestWeekday,
          notifyOwnActions: update.notifyOwnActions ?? s.notifyOwnActions,
        },
        now,
      );
    }
  });
  return getSettings(deps, userId);
}

/**
 * Checks a list of per-type changes against the catalog: unknown types and digest on a type that
 * cannot be digested are field issues; a real change to a locked type throws `notification_locked`.
 */
export function checkTypeChanges(
  catalog: Catalog,
  entries: readonly { readonly type: string; readonly channels: ChannelChange }[],
  issues: FieldIssue[],
  prefix: string,
): { type: string; channels: ChannelChange }[] {
  const out: { type: string; channels: ChannelChange }[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.type)) {
      // Two changes of one type could contradict each other: say so rather than let the last one win.
      issues.push({
        field: `${prefix}.${i}.type`,
        message: `"${entry.type.slice(0, 80)}" appears more than once; send each type once`,
      });
      return;
    }
    seen.add(entry.type);
    const type = catalog.get(entry.type);
    if (!type) {
      issues.push({
        field: `${prefix}.${i}.type`,
        message: `unknown notification type "${entry.type.slice(0, 80)}"`,
      });
      return;
    }
    if (type.locked) {
      const changed = CHANNELS.some(
        (c) =>
          entry.channels[c] !== undefined &&
          entry.channels[c] !== null &&
          entry.channels[c] !== type.channels[c],
      );
      if (changed) {
        throw new DomainError(
          'notification_locked',
          `“${type.label}” is a security notice: it is always on and cannot be changed.`,
        );
      }
      return;
    }
    if (entry.channels.digest === true && !type.digestible) {
      issues.push({
        field: `${prefix}.${i}.channels.digest`,
        message: `“${type.label}” cannot go into the digest`,
      });
      return;
    }
    out.push({ type: type.type, channels: entry.channels });
  });
  return out;
}

/** An override with the named channels changed (null: follow the default again). */
export function merge(current: ChannelOverride, change: ChannelChange): ChannelOverride {
  const pick = (c: Channel) => (change[c] === undefined ? current[c] : change[c]);
  return { inbox: pick('inbox'), email: pick('email'), digest: pick('digest') };
}

export function throwIssues(issues: readonly FieldIssue[]): void {
  if (issues.length === 0) return;
  throw new DomainError('validation_failed', checkFieldsMessage(issues), { issues });
}
