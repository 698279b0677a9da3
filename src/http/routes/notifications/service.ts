import type { User } from '../../../domain/accounts/user.js';
import type { Catalog } from '../../../domain/notifications/catalog.js';
import type { InboxPage } from '../../../domain/notifications/inbox.js';
import type { IngestReport } from '../../../domain/notifications/ingest.js';
import type { IncomingEvent } from '../../../domain/notifications/ingest-ports.js';
import type { ChannelChange, SettingsUpdate, SettingsView } from '../../../domain/notifications/settings.js';
import type { UnsubscribeTarget } from '../../../domain/notifications/unsubscribe.js';
import type { DefaultView } from '../../../domain/notifications/workspace-defaults.js';
import type { Clock } from '../../../domain/shared/clock.js';

/** The notification use cases, bound to their ports by compose.ts. */
export interface NotificationsService {
  readonly catalog: Catalog;
  readonly clock: Clock;
  ingest(events: readonly IncomingEvent[], fieldOf: (index: number) => string): Promise<IngestReport>;
  getSettings(userId: string): Promise<SettingsView>;
  updateSettings(userId: string, update: SettingsUpdate): Promise<SettingsView>;
  listInbox(
    userId: string,
    o: { unreadOnly: boolean; limit: number; cursor: string | null },
  ): Promise<InboxPage>;
  markRead(
    userId: string,
    what: { ids: readonly string[] } | { all: true },
  ): Promise<{ marked: number; unreadCount: number }>;
  getDefaults(): Promise<DefaultView[]>;
  updateDefaults(
    adminId: string,
    entries: readonly { type: string; channels: ChannelChange }[],
  ): Promise<DefaultView[]>;
  describeUnsubscribe(token: string): Promise<UnsubscribeTarget>;
  unsubscribe(token: string): Promise<UnsubscribeTarget>;
  /** The signed-in user's profile (date preferences for pages). */
  profile(userId: string): Promise<User | null>;
}
