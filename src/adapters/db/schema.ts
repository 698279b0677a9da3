import type { Generated } from 'kysely';
import type { AccountTables } from './account-tables.js';
import type { DigestTables } from './digest-tables.js';
import type { IdentityTables } from './identity-tables.js';
import type { NotificationTables } from './notification-tables.js';

// Portable column conventions: ids are text; times are epoch milliseconds (bigint on PostgreSQL,
// integer on SQLite, read back as numbers); booleans are integers 0/1; JSON is text.

export interface UsersTable {
  id: string;
  username: string;
  /** lower-cased, NFC-normalised username: the unique key sign-in looks up */
  username_key: string;
  email: string;
  email_key: string;
  first_name: string;
  last_name: string;
  role: 'user' | 'admin';
  disabled: number;
  provider_id: string;
  avatar_key: string | null;
  fuzzy_dates: number;
  time_zone: string;
  locale: string;
  created_at: number;
  updated_at: number;
}

export interface PasswordCredentialsTable {
  user_id: string;
  hash: string;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session token; the token itself is never stored */
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  user_agent: string | null;
  ip: string | null;
}

/** Browsers a user signed in from (migration 0010-known-devices). */
export interface KnownDevicesTable {
  user_id: string;
  /** SHA-256 (hex) of the device cookie */
  device_hash: string;
  created_at: number;
  last_seen_at: number;
}

export interface OneTimeTokensTable {
  /** SHA-256 (hex) of the token */
  token_hash: string;
  purpose: string;
  user_id: string | null;
  data: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /**
   * The link an outbox email will carry (migration 0012): the row is reserved with a placeholder
   * `token_hash` that no token hashes to, and the delivery job writes the real hash when it sends.
   */
  link_id: string | null;
}

export interface OutboxTable {
  id: string;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  /** JSON object of extra headers (List-Unsubscribe, …) */
  headers: string;
  template: string;
  /** The template's fields as JSON when the email is filled in at delivery (subject, html, text empty). */
  data: string | null;
  /** JSON EmailLink of an email whose one-time link is minted at delivery (migration 0012), else null. */
  link: string | null;
  status: 'pending' | 'sent' | 'dead';
  attempts: Generated<number>;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** the first characters of the key, shown in lists */
  prefix: string;
  /** SHA-256 (hex) of the key; the key itself is never stored */
  key_hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  last_used_ip: string | null;
  revoked_at: number | null;
}

export interface Tables extends NotificationTables, AccountTables, IdentityTables, DigestTables {
  users: UsersTable;
  password_credentials: PasswordCredentialsTable;
  sessions: SessionsTable;
  known_devices: KnownDevicesTable;
  one_time_tokens: OneTimeTokensTable;
  outbox: OutboxTable;
  api_keys: ApiKeysTable;
  password_reset_requests: PasswordResetRequestsTable;
}

/** "Forgot your password?" requests, waiting for the delivery job (migration 0012). */
export interface PasswordResetRequestsTable {
  id: string;
  /** what the person typed: looked up only by the job, so the answer is the same for everyone */
  identifier: string;
  ip: string | null;
  requested_at: number;
  lease_owner: string | null;
  lease_until: number | null;
}
