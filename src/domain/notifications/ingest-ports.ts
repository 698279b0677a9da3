import type { OutgoingEmail } from '../mail/email.js';
import type { ChannelOverride } from './catalog.js';
import type { Recipient } from './routing.js';

/** An event as the host platform posts it (already checked for shape at the edge). */
export interface IncomingEvent {
  readonly type: string;
  /** Usernames (any case) or user ids. */
  readonly recipients: readonly string[];
  readonly title: string;
  readonly body?: string | null;
  readonly url?: string | null;
  /** Username or id of who did it; any other name is shown as given. */
  readonly actor?: string | null;
  readonly project?: string | null;
  readonly occurredAt?: Date | null;
  readonly idempotencyKey: string;
  /**
   * Concierge's own notices whose email is sent apart (the account notices that cannot be switched
   * off): inbox and digest only. Never set from the HTTP API.
   */
  readonly inboxOnly?: boolean;
}

export interface StoredEvent {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly contentHash: string;
  readonly type: string;
  readonly title: string;
  readonly body: string | null;
  readonly url: string | null;
  readonly actor: string | null;
  readonly actorUserId: string | null;
  readonly project: string | null;
  readonly occurredAt: number;
  readonly createdAt: number;
}

export interface InboxRow {
  readonly id: string;
  readonly userId: string;
  readonly eventId: string;
  readonly type: string;
  readonly createdAt: number;
}

export interface DigestItemRow {
  readonly id: string;
  readonly userId: string;
  readonly eventId: string;
  readonly inboxId: string | null;
  readonly type: string;
  readonly project: string | null;
  readonly occurredAt: number;
  readonly createdAt: number;
}

/** A notification's immediate email: stored as its template's fields, filled in when it is sent. */
export type NotificationEmail = OutgoingEmail & { readonly template: 'notification' };

/** Who the posted names are, with their notification settings. */
export interface RecipientDirectory {
  /** Users whose id, or username (case-insensitively), is among `keys`. */
  find(keys: readonly string[]): Promise<readonly Recipient[]>;
  /** The administrators' overrides of the configured defaults, by type. */
  workspaceDefaults(): Promise<ReadonlyMap<string, ChannelOverride>>;
}

/** Writes one batch inside one transaction; every insert is multi-row. */
export interface IngestWriter {
  /** Content hashes of the events already stored under these keys. */
  existingKeys(keys: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Inserts the events; returns how many were new (a key stored meanwhile is skipped). */
  insertEvents(events: readonly StoredEvent[]): Promise<number>;
  insertInbox(rows: readonly InboxRow[]): Promise<void>;
  insertDigestItems(rows: readonly DigestItemRow[]): Promise<void>;
  insertEmails(emails: readonly NotificationEmail[]): Promise<void>;
}
