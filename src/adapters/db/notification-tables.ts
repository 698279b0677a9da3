// Tables of migration 0004-notifications (conventions in schema.ts: ids text, times epoch ms,
// booleans 0/1; nullable channel columns mean "not set here, follow the level below").

/** One posted event, stored once however many people hear of it. */
export interface NotificationEventsTable {
  id: string;
  /** the host platform's key; unique, so a retried post is stored once */
  idempotency_key: string;
  /** SHA-256 of the event's content: same key + other content is a conflict */
  content_hash: string;
  type: string;
  title: string;
  body: string | null;
  url: string | null;
  /** as posted (username, id or a free name) */
  actor: string | null;
  actor_user_id: string | null;
  project: string | null;
  occurred_at: number;
  created_at: number;
}

/** A recipient's inbox row. */
export interface NotificationInboxTable {
  id: string;
  user_id: string;
  event_id: string;
  type: string;
  created_at: number;
  read_at: number | null;
}

/**
 * A notification waiting for the recipient's digest. The digest job reads a user's pending items
 * (`digested_at is null and created_at <= cutoff`, index notification_digest_pending_idx) and marks
 * them digested in the transaction that writes the digest email.
 */
export interface NotificationDigestItemsTable {
  id: string;
  user_id: string;
  event_id: string;
  /** the inbox row of the same delivery, when inbox is on too: read there means not repeated here */
  inbox_id: string | null;
  type: string;
  project: string | null;
  occurred_at: number;
  created_at: number;
  digested_at: number | null;
}

/** A user's sparse per-type overrides. */
export interface NotificationPreferencesTable {
  user_id: string;
  type: string;
  inbox: number | null;
  email: number | null;
  digest: number | null;
  updated_at: number;
}

/** The administrators' sparse overrides of the configured default channels. */
export interface NotificationDefaultsTable {
  type: string;
  inbox: number | null;
  email: number | null;
  digest: number | null;
  updated_at: number;
  updated_by: string | null;
}

/** Per-user notification settings besides the matrix; no row means the workspace defaults. */
export interface NotificationUserSettingsTable {
  user_id: string;
  digest_frequency: 'daily' | 'weekly' | 'off';
  /** HH:MM, wall-clock time in the digest time zone */
  digest_time: string;
  /** IANA zone; null follows the user's display preference */
  digest_time_zone: string | null;
  /** ISO weekday 1 (Monday) … 7 (Sunday), used when weekly */
  digest_weekday: number;
  notify_own_actions: number;
  updated_at: number;
}

/** Server-generated secrets shared by every replica (the unsubscribe-link key). */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

export interface NotificationTables {
  notification_events: NotificationEventsTable;
  notification_inbox: NotificationInboxTable;
  notification_digest_items: NotificationDigestItemsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_defaults: NotificationDefaultsTable;
  notification_user_settings: NotificationUserSettingsTable;
  server_secrets: ServerSecretsTable;
}
