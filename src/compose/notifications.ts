import type { Logger } from 'pino';
import type { Db } from '../adapters/db/database.js';
import { notificationInboxStore } from '../adapters/db/notification-inbox-store.js';
import { recipientDirectory } from '../adapters/db/notification-ingest-store.js';
import { notificationSettingsStore } from '../adapters/db/notification-settings-store.js';
import { unsubscribeSigner } from '../adapters/db/server-secret-store.js';
import type { Stores } from '../adapters/db/stores.js';
import type { Config } from '../config/schema.js';
import { createCatalog } from '../domain/notifications/catalog.js';
import { listInbox, markRead } from '../domain/notifications/inbox.js';
import { type IngestDeps, ingestEvents } from '../domain/notifications/ingest.js';
import type { IncomingEvent } from '../domain/notifications/ingest-ports.js';
import {
  apiKeyCreatedEvent,
  credentialsChangedEvent,
  newSignInEvent,
  type SecurityNotices,
} from '../domain/notifications/security-notices.js';
import { getSettings, type SettingsDeps, updateSettings } from '../domain/notifications/settings.js';
import {
  describeUnsubscribe,
  type UnsubscribeDeps,
  unsubscribe,
} from '../domain/notifications/unsubscribe.js';
import type { Signer } from '../domain/notifications/unsubscribe-token.js';
import {
  getWorkspaceDefaults,
  updateWorkspaceDefaults,
  type WorkspaceDefaultsDeps,
} from '../domain/notifications/workspace-defaults.js';
import type { Clock } from '../domain/shared/clock.js';
import type { Transact } from '../domain/shared/transaction.js';
import type { NotificationsService } from '../http/routes/notifications/service.js';

/** Wires the notification use cases to their adapters (part of the composition root). */
export function composeNotifications(p: {
  config: Config;
  db: Db;
  stores: Stores;
  transact: Transact<Stores>;
  clock: Clock;
  publicUrl: string;
}): NotificationsService & { ingestDeps: IngestDeps; signer: () => Promise<Signer> } {
  const { config, db, clock, transact } = p;
  const catalog = createCatalog(config.notifications.types);
  const signer = unsubscribeSigner(db);
  const settings = notificationSettingsStore(db.kysely);
  const inbox = notificationInboxStore(db.kysely);
  const digestDefaults = config.notifications.digest;
  const ingestDeps: IngestDeps = {
    catalog,
    directory: recipientDirectory(db.kysely),
    transact,
    signer,
    clock,
    publicUrl: p.publicUrl,
    listIdDomain: config.notifications.listIdDomain ?? new URL(p.publicUrl).hostname,
  };
  const settingsDeps: SettingsDeps = {
    catalog,
    settings,
    profiles: p.stores.users,
    digestDefaults,
    clock,
    transact,
  };
  const defaultsDeps: WorkspaceDefaultsDeps = { catalog, settings, clock, transact };
  const unsubscribeDeps: UnsubscribeDeps = {
    catalog,
    signer,
    users: p.stores.users,
    settings,
    digestDefaults,
    clock,
    transact,
  };
  return {
    catalog,
    clock,
    ingestDeps,
    signer,
    ingest: (events, fieldOf) => ingestEvents(ingestDeps, events, fieldOf),
    getSettings: (userId) => getSettings(settingsDeps, userId),
    updateSettings: (userId, update) => updateSettings(settingsDeps, userId, update),
    listInbox: (userId, o) => listInbox({ inbox }, userId, o),
    markRead: (userId, what) => markRead({ inbox, clock }, userId, what),
    getDefaults: () => getWorkspaceDefaults(defaultsDeps),
    updateDefaults: (adminId, entries) => updateWorkspaceDefaults(defaultsDeps, adminId, entries),
    describeUnsubscribe: (token) => describeUnsubscribe(unsubscribeDeps, token),
    unsubscribe: (token) => unsubscribe(unsubscribeDeps, token),
    profile: (userId) => p.stores.users.findById(userId),
  };
}

/**
 * Concierge's own security notices, through the notification types like the host platform's events.
 * Raised after the change they report: a catalog without the type raises nothing, and a failure is
 * logged, since the change itself succeeded (and its account email, where there is one, is in the outbox).
 */
export function securityNotices(
  notifications: Pick<NotificationsService, 'catalog' | 'ingest'>,
  p: { logger: Logger; publicUrl: string },
): SecurityNotices {
  const raise = async (event: IncomingEvent) => {
    if (!notifications.catalog.get(event.type)) return;
    try {
      await notifications.ingest([event], () => '');
    } catch (err) {
      p.logger.error({ err, type: event.type }, 'could not raise a security notice');
    }
  };
  const accountUrl = `${p.publicUrl}/account`;
  return {
    newSignIn: (userId, at, meta) => raise(newSignInEvent(userId, at, meta, accountUrl)),
    credentialsChanged: (userId, at, change) =>
      raise(credentialsChangedEvent(userId, at, change, accountUrl)),
    apiKeyCreated: (userId, at, name) =>
      raise(apiKeyCreatedEvent(userId, at, name, `${accountUrl}/api-keys`)),
  };
}
