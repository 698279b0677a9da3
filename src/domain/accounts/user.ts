export type Role = 'user' | 'admin';

export interface Preferences {
  /** Relative dates ("2 days ago") when true, exact date and time when false. */
  readonly fuzzyDates: boolean;
  /** IANA time zone, e.g. Europe/Stockholm. */
  readonly timeZone: string;
  /** BCP 47 language tag, e.g. en-GB. */
  readonly locale: string;
}

export interface User {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly role: Role;
  readonly disabled: boolean;
  /** Id of the sign-in provider (from configuration) this account belongs to. */
  readonly providerId: string;
  readonly avatarKey: string | null;
  readonly preferences: Preferences;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const defaultPreferences: Preferences = { fuzzyDates: true, timeZone: 'UTC', locale: 'en' };

/** The key a username or email is looked up by: Unicode NFC, trimmed, lower case. */
export function identityKey(value: string): string {
  return value.normalize('NFC').trim().toLowerCase();
}
