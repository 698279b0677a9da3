import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createRenderer } from '../../emails/render.js';
import { fileAvatarStore } from '../adapters/avatars/file-avatar-store.js';
import { sharpAvatarProcessor } from '../adapters/avatars/sharp-processor.js';
import { readCache } from '../adapters/cache/read-cache.js';
import type { Db } from '../adapters/db/database.js';
import { deleteExpiredRows } from '../adapters/db/expired-rows.js';
import { jobLease } from '../adapters/db/job-lease.js';
import { pendingMigrations } from '../adapters/db/migrate.js';
import { outboxDepth, outboxQueue } from '../adapters/db/outbox-store.js';
import { resetRequestQueue } from '../adapters/db/reset-requests-store.js';
import { serializedTransactor, storesFor, transactor } from '../adapters/db/stores.js';
import { purgeThrottle } from '../adapters/db/throttle-store.js';
import { createLogger } from '../adapters/logging/logger.js';
import { fileTransport } from '../adapters/mail/file-transport.js';
import { notificationFiller } from '../adapters/mail/notification-mailer.js';
import { smtpTransport } from '../adapters/mail/smtp-transport.js';
import { createMetrics } from '../adapters/metrics/metrics.js';
import { argon2Hasher } from '../adapters/passwords/argon2-hasher.js';
import type { Config } from '../config/schema.js';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from '../domain/accounts/api-keys.js';
import type { Introspection } from '../domain/accounts/api-keys-introspect.js';
import { type AvatarDeps, removeAvatar, setAvatar } from '../domain/accounts/avatars.js';
import { type CreateUserDeps, createLocalUser, type NewUserInput } from '../domain/accounts/create-user.js';
import {
  completeSetup,
  type FirstAdminDeps,
  issueSetupToken,
  setupOpen,
} from '../domain/accounts/first-admin.js';
import type { DeviceDeps } from '../domain/auth/known-devices.js';
import type { PasswordHasher } from '../domain/auth/password-hasher.js';
import { validateSessionToken } from '../domain/auth/sessions.js';
import type { MailTransport } from '../domain/mail/deliver-outbox.js';
import { type Clock, systemClock } from '../domain/shared/clock.js';
import { createApp } from '../http/app.js';
import type { AuthContext } from '../http/app-env.js';
import { directoryRecheckJob, recheckLeaseMs } from '../jobs/directory-recheck-job.js';
import { expiredRowsJob } from '../jobs/expired-rows-job.js';
import { outboxJob } from '../jobs/outbox-job.js';
import { throttlePurgeJob } from '../jobs/throttle-purge-job.js';
import { composeAccounts, passwordPolicyFrom } from './accounts.js';
import { composeDigests } from './digests.js';
import { composeIdentity } from './identity.js';
import { composeIntrospection } from './introspection.js';
import { composeNotifications, securityNotices } from './notifications.js';

export interface ComposeOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Replaces the configured mail transport (tests point it at their SMTP sink through config instead). */
  readonly transport?: MailTransport & { close(): void };
  /** Replaces the argon2id hasher (tests wrap the real one to count its work). */
  readonly hasher?: PasswordHasher;
}

/** The composition root: builds every adapter from configuration and wires the use cases. */
export function compose(config: Config, db: Db, options: ComposeOptions = {}) {
  const logger = options.logger ?? createLogger(config.logging.level);
  const clock = options.clock ?? systemClock;
  const publicUrl = config.server.publicUrl.replace(/\/$/, '');
  // Notification emails are filled into their pre-rendered template shape (notification-mailer.ts).
  const render = notificationFiller(createRenderer(publicUrl));
  const transact = transactor(db, render, clock);
  const stores = storesFor(db.kysely, render, clock);
  const hasher = options.hasher ?? argon2Hasher();
  const localProvider = config.providers.find((p) => p.kind === 'local');
  const userDeps: CreateUserDeps = {
    hasher,
    clock,
    passwordPolicy: passwordPolicyFrom(config),
    localProviderId: localProvider?.id ?? 'local',
  };
  // Serialised: two setup links used at once must not create two first administrators.
  const firstAdmin: FirstAdminDeps = {
    ...userDeps,
    admins: stores.users,
    transact: serializedTransactor(db, render, clock, 'concierge:first-admin'),
    publicUrl,
  };
  const metrics = createMetrics({ outboxDepth: () => outboxDepth(db), defaults: true });
  const messageIdDomain = new URL(publicUrl).hostname;
  const transport =
    options.transport ??
    (config.mail.transport === 'smtp' && config.mail.smtp
      ? smtpTransport({ ...config.mail.smtp, from: config.mail.from, messageIdDomain })
      : fileTransport({ dir: join(config.dataDir, 'mail'), from: config.mail.from, messageIdDomain }));
  const readiness = async (): Promise<{ ready: boolean; checks: Record<string, string> }> => {
    try {
      const pending = await pendingMigrations(db);
      return pending.length === 0
        ? { ready: true, checks: { database: 'ok', migrations: 'current' } }
        : { ready: false, checks: { database: 'ok', migrations: `pending: ${pending.join(', ')}` } };
    } catch (error) {
      return { ready: false, checks: { database: `unreachable: ${(error as Error).message}` } };
    }
  };

  const apiKeyDeps = { apiKeys: stores.apiKeys, sessions: stores.sessions, clock };
  const avatarDeps: AvatarDeps = {
    processor: sharpAvatarProcessor(),
    files: fileAvatarStore(join(config.dataDir, 'avatars')),
    clock,
    transact,
  };

  const notifications = composeNotifications({ config, db, stores, transact, clock, publicUrl });
  const notices = securityNotices(notifications, { logger, publicUrl });
  const devices: DeviceDeps = { devices: stores.knownDevices, notices, clock };

  // Sign-in providers from configuration; a misconfigured one throws here and stops the boot.
  const identity = composeIdentity({ config, stores, transact, clock, logger, publicUrl, devices });
  const accounts = composeAccounts({
    config,
    stores,
    transact,
    hasher,
    clock,
    publicUrl,
    userDeps,
    passwordProviders: identity.passwordProviders,
    resolveExternal: identity.resolveExternal,
    directoryPassword: (user) => identity.directoryPassword(user),
    reportError: (err, what) => logger.error({ err }, `could not queue the ${what}`),
    devices,
    resetQueue: resetRequestQueue(db, `${process.pid}-${randomUUID()}`),
  });

  const outbox = outboxJob({
    queue: outboxQueue(db, `${process.pid}-${randomUUID()}`, {
      render,
      onUnfillable: (email) =>
        logger.error({ job: 'outbox', ...email }, 'an email could not be filled in: dead'),
    }),
    transport,
    clock,
    logger,
    schedule: config.mail.outbox.schedule,
    batchSize: config.mail.outbox.batchSize,
    maxAttempts: config.mail.outbox.maxAttempts,
    intake: (limit) => accounts.handleResetRequests(limit),
  });

  // One re-check job per LDAP directory: who it no longer lists loses access within one schedule.
  const leaseOwner = `${process.pid}-${randomUUID()}`;
  const directoryRechecks = config.providers.flatMap((provider) => {
    if (provider.kind !== 'ldap' || !provider.recheck.enabled) return [];
    const directory = identity.registry.passwordProviders.find((d) => d.id === provider.id);
    if (!directory) return [];
    const { schedule, maxDisableFraction, brakeMinimum } = provider.recheck;
    // One replica at a time asks the directory: a lease per provider, held by this process.
    const lease = jobLease(
      db.kysely,
      `directory-recheck:${provider.id}`,
      leaseOwner,
      recheckLeaseMs(schedule),
    );
    const onBrake = metrics.directoryRecheckBraked;
    return [
      directoryRecheckJob(
        { clock, logger, candidates: stores.directoryRemovals, lease, transact, onBrake },
        directory,
        { schedule, brake: { maxDisableFraction, brakeMinimum } },
      ),
    ];
  });

  const digests = composeDigests({
    db,
    render,
    clock,
    logger,
    catalog: notifications.catalog,
    signer: notifications.signer,
    defaults: config.notifications.digest,
    publicUrl,
    listIdDomain: config.notifications.listIdDomain ?? new URL(publicUrl).hostname,
    owner: `${process.pid}-${randomUUID()}`,
  });

  // Validated sessions, introspections and GET /me answers are reused for a few seconds: any write of this
  // replica to accounts, sessions or keys drops them at once; other replicas see it within the TTL.
  const cacheOptions = {
    ttlMs: config.auth.readCacheSeconds * 1000,
    epoch: db.writes,
    now: () => clock().getTime(),
  };
  const sessionCache = readCache<{ auth: AuthContext; expiresAt: Date }>(cacheOptions);
  const meCache = readCache<Awaited<ReturnType<typeof accounts.me>> & object>(cacheOptions);
  const cachedAccounts: typeof accounts = {
    ...accounts,
    me: (userId) => meCache.get(userId, () => accounts.me(userId)),
  };

  const { introspect, listener } = composeIntrospection({
    config,
    deps: apiKeyDeps,
    cache: readCache<Introspection>(cacheOptions),
    logger,
    metrics,
    publicUrl,
  });

  const app = createApp({
    config,
    oidc: identity.oidc,
    notifications,
    digests,
    logger,
    metrics,
    readiness,
    authenticator: {
      async session(token) {
        let renewedUntil: Date | undefined;
        const found = await sessionCache.get(
          token,
          async () => {
            const valid = await validateSessionToken({ sessions: stores.sessions, clock }, token);
            if (!valid) return null;
            const { user, session } = valid;
            if (valid.renewed) renewedUntil = session.expiresAt;
            const auth: AuthContext = {
              user: { id: user.id, username: user.username, role: user.role },
              via: 'session',
              sessionId: session.id,
            };
            return { auth, expiresAt: session.expiresAt };
          },
          (entry) => entry.expiresAt.getTime(),
        );
        if (!found) return null;
        return renewedUntil ? { ...found.auth, renewedUntil } : found.auth;
      },
      async bearer(token, meta) {
        const found = await authenticateApiKey(apiKeyDeps, token, meta);
        if (found === null || 'failure' in found) return found;
        const { id, username, role } = found.user;
        return { user: { id, username, role }, via: 'api-key' };
      },
    },
    apiKeys: {
      list: (userId) => listApiKeys(apiKeyDeps, userId),
      async create(userId, input, meta) {
        const created = await createApiKey({ clock, publicUrl, transact }, userId, input, meta);
        await notices.apiKeyCreated(userId, clock(), input.name);
        return created;
      },
      revoke: (userId, id) => revokeApiKey(apiKeyDeps, userId, id),
      preferences: async (userId) => (await stores.users.findById(userId))?.preferences ?? null,
      now: clock,
    },
    avatars: {
      set: (userId, bytes) => setAvatar(avatarDeps, userId, bytes),
      remove: (userId) => removeAvatar(avatarDeps, userId),
      read: (file) => avatarDeps.files.read(file),
    },
    introspect,
    accounts: cachedAccounts,
    setup: {
      isOpen: () => setupOpen(firstAdmin),
      complete: (token, input) => completeSetup(firstAdmin, token, input),
    },
  });

  return {
    app,
    /** Node's request listener: the introspection fast path in front of `next`, the app's listener. */
    listener,
    logger,
    metrics,
    jobs: [
      outbox,
      digests.job,
      throttlePurgeJob((now, idle) => purgeThrottle(db.kysely, now, idle), clock),
      expiredRowsJob((now, limit) => deleteExpiredRows(db.kysely, now, limit), clock, config.cleanup),
      ...directoryRechecks,
    ],
    /** The directory re-check of each LDAP provider (also in `jobs`), for a run on demand. */
    directoryRechecks,
    outbox,
    transport,
    notifications,
    digests,
    issueSetupToken: () => issueSetupToken(firstAdmin),
    createUser: (input: NewUserInput) => createLocalUser({ ...userDeps, transact }, input),
    accounts,
    publicUrl,
  };
}
