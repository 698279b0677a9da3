import type { Preferences } from '../accounts/user.js';
import type { ChannelOverride } from './catalog.js';

export type DigestFrequency = 'daily' | 'weekly' | 'off';

/** What is stored per user besides the matrix; absent means the workspace defaults. */
export interface StoredUserSettings {
  readonly digestFrequency: DigestFrequency;
  /** HH:MM wall-clock time. */
  readonly digestTime: string;
  /** IANA zone; null follows the user's display preference. */
  readonly digestTimeZone: string | null;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly digestWeekday: number;
  readonly notifyOwnActions: boolean;
}

/** Workspace digest defaults (configuration). */
export interface DigestDefaults {
  readonly frequency: DigestFrequency;
  readonly time: string;
  readonly weekday: number;
}

/** Where notification settings live. */
export interface NotificationSettingsStore {
  workspaceDefaults(): Promise<ReadonlyMap<string, ChannelOverride>>;
  userOverrides(userId: string): Promise<ReadonlyMap<string, ChannelOverride>>;
  userSettings(userId: string): Promise<StoredUserSettings | null>;
  /** Upserts each override; an override with every channel null is deleted. */
  saveUserOverrides(
    userId: string,
    overrides: readonly { type: string; override: ChannelOverride }[],
    now: Date,
  ): Promise<void>;
  saveUserSettings(userId: string, settings: StoredUserSettings, now: Date): Promise<void>;
  saveWorkspaceDefaults(
    overrides: readonly { type: string; override: ChannelOverride }[],
    by: string,
    now: Date,
  ): Promise<void>;
}

/** The user's display preferences (for the digest time zone default). */
export interface ProfileReader {
  findById(id: string): Promise<{ readonly preferences: Preferences } | null>;
}
