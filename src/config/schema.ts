import { Cron } from 'croner';
import { z } from 'zod';
import { notificationsSchema } from './notifications-schema.js';

/** A croner pattern (six fields: with seconds); a bad one is a config error, not a crash at start. */
const cronPattern = (fallback: string) =>
  z
    .string()
    .refine(
      (pattern) => {
        try {
          new Cron(pattern, { paused: true }).stop();
          return true;
        } catch {
          return false;
        }
      },
      { message: `not a cron pattern; use six fields with seconds, e.g. "${fallback}"` },
    )
    .default(fallback);

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const localProvider = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected lowercase letters, digits and dashes'),
  kind: z.literal('local'),
  displayName: z.string().min(1).max(80).default('Concierge account'),
});

// Sign-in policy shared by external providers: who may get an account on first sign-in, and whether an
// existing account may be linked by its (verified) email address.
const externalPolicy = {
  /** Free text users are told to contact about their password, e.g. "IT helpdesk, it@studio.example". */
  contact: z.string().min(1).max(200).optional(),
  /** First sign-in creates the user: true, false, or only for these email domains. */
  autoCreate: z.union([z.boolean(), z.array(z.string().min(1).max(253)).min(1)]).optional(),
  /** Attach a first sign-in to an existing user with the same verified email address. */
  linkByEmail: z.boolean().default(false),
};

const ldapProvider = z.strictObject({
  id: localProvider.shape.id,
  kind: z.literal('ldap'),
  displayName: z.string().min(1).max(80).default('Directory'),
  url: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'expected ldap://host:port or ldaps://host:port'),
  /** Upgrade an ldap:// connection with StartTLS before any bind. */
  startTls: z.boolean().default(false),
  tls: z
    .strictObject({
      /** PEM file of the CA that signed the directory's certificate (default: the system's CAs). */
      caFile: z.string().min(1).optional(),
      /** Server name to expect in the certificate when it differs from the URL's host. */
      servername: z.string().min(1).optional(),
    })
    .prefault({}),
  bindDn: z.string().min(1),
  bindPassword: z.string().min(1),
  userBase: z.string().min(1),
  userFilter: z
    .string()
    .default('(|(uid={identifier})(mail={identifier}))')
    .refine((f) => f.includes('{identifier}') && f.startsWith('(') && f.endsWith(')'), {
      message: 'expected an LDAP filter in parentheses containing {identifier}',
    }),
  attributes: z
    .strictObject({
      username: z.string().min(1).default('uid'),
      firstName: z.string().min(1).default('givenName'),
      lastName: z.string().min(1).default('sn'),
      email: z.string().min(1).default('mail'),
      /** Stable id of an entry; the DN is used where the directory has none. */
      subject: z.string().min(1).default('entryUUID'),
    })
    .prefault({}),
  /** Only members of this group may sign in. */
  group: z
    .strictObject({
      dn: z.string().min(1),
      /** member/uniqueMember hold the user's DN; memberUid holds the username. */
      memberAttribute: z.string().min(1).default('member'),
    })
    .optional(),
  /** contact-admin: passwords change only in the directory; directory: changed here through RFC 3062. */
  passwords: z.enum(['contact-admin', 'directory']).default('contact-admin'),
  connectTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /**
   * Re-checks, on `schedule`, that users with a live session or API key are still in the directory (and
   * the group); those who are not are disabled. See README "Sign-in providers".
   */
  recheck: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** croner pattern with seconds; default every 15 minutes */
      schedule: cronPattern('0 */15 * * * *'),
      /**
       * Safety brake: a run that would disable more than this share of the users it checked (and more
       * than brakeMinimum of them) disables nobody and logs an error. 1 turns the brake off.
       */
      maxDisableFraction: z
        .number()
        .min(0, 'expected a share from 0 to 1')
        .max(1, 'expected a share from 0 to 1')
        .default(0.2),
      /** Up to this many disables in one run always go through, whatever the share. */
      brakeMinimum: z.number().int().min(0).max(1_000_000).default(5),
    })
    .prefault({}),
  ...externalPolicy,
});

const oidcProvider = z
  .strictObject({
    id: localProvider.shape.id,
    kind: z.literal('oidc'),
    /** google: issuer https://accounts.google.com, domain checks against the `hd` claim. */
    preset: z.literal('google').optional(),
    displayName: z.string().min(1).max(80).optional(),
    issuer: httpUrl.optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).default(['openid', 'email', 'profile']),
    /** Only accounts of these domains may sign in (Google: the ID token's `hd` claim, else the email's domain). */
    allowedDomains: z.array(z.string().min(1).max(253)).min(1).optional(),
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    ...externalPolicy,
  })
  .refine((p) => p.preset === 'google' || p.issuer !== undefined, {
    message: 'set issuer (or preset: google)',
    path: ['issuer'],
  });

export const providerSchema = z.discriminatedUnion('kind', [localProvider, ldapProvider, oidcProvider]);

/** N attempts within a window lock the key for a while. */
function throttleRule(defaults: { maxAttempts: number; windowMinutes: number; lockMinutes: number }) {
  return z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(10_000).default(defaults.maxAttempts),
      windowMinutes: z.number().int().min(1).max(1440).default(defaults.windowMinutes),
      lockMinutes: z.number().int().min(1).max(1440).default(defaults.lockMinutes),
    })
    .prefault({});
}

export const configSchema = z
  .strictObject({
    dataDir: z.string().min(1).default('./data'),
    server: z
      .strictObject({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(8080),
        publicUrl: httpUrl.default('http://localhost:8080'),
        /** Trust X-Forwarded-For from the reverse proxy in front (only enable behind one). */
        trustProxy: z.boolean().default(false),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        shutdownGraceMs: z.number().int().min(0).max(120_000).default(10_000),
      })
      .prefault({}),
    database: z
      .strictObject({
        /** `file:<path>` for the embedded libsql database, or `postgres://…`. Default: `<dataDir>/concierge.db`. */
        url: z
          .string()
          .regex(/^(file:|postgres:\/\/|postgresql:\/\/)/, 'expected file:<path> or postgres://…')
          .optional(),
        poolSize: z.number().int().min(1).max(100).default(10),
      })
      .prefault({}),
    logging: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    support: z
      .strictObject({ contact: z.string().min(1).max(200).default('your system administrator') })
      .prefault({}),
    /** Local accounts: password policy and sign-in / password-reset throttling (see README "Accounts"). */
    auth: z
      .strictObject({
        password: z
          .strictObject({
            minLength: z.number().int().min(8, 'never below 8').max(256).default(12),
            maxLength: z.number().int().min(8).max(1024).default(256),
            /** zxcvbn-ts score a new password must reach: 0 (anything) … 4 (very strong). */
            minStrength: z.number().int().min(0).max(4).default(3),
          })
          .prefault({})
          .refine((p) => p.maxLength >= p.minLength, {
            message: 'maxLength must be at least minLength',
            path: ['maxLength'],
          }),
        throttle: z
          .strictObject({
            account: throttleRule({ maxAttempts: 10, windowMinutes: 10, lockMinutes: 10 }),
            ip: throttleRule({ maxAttempts: 50, windowMinutes: 10, lockMinutes: 10 }),
            resetAccount: throttleRule({ maxAttempts: 3, windowMinutes: 60, lockMinutes: 60 }),
            resetIp: throttleRule({ maxAttempts: 20, windowMinutes: 60, lockMinutes: 60 }),
            /**
             * Single sign-ons started (GET /auth/oidc/{id}/start) from one client address. Each start stores
             * an attempt, so one client must not fill that table; an office behind one address still needs room.
             */
            redirectStartIp: throttleRule({ maxAttempts: 300, windowMinutes: 10, lockMinutes: 10 }),
          })
          .prefault({}),
        /**
         * Seconds a replica may reuse a validated session or API key and the signed-in user's profile.
         * This replica's own changes show at once; another replica's sign-out or revocation within this time.
         */
        readCacheSeconds: z.number().min(0).max(5, 'at most 5 seconds').default(5),
      })
      .prefault({}),
    providers: z
      .array(providerSchema)
      .min(1, 'configure at least one sign-in provider')
      .default([{ id: 'local', kind: 'local', displayName: 'Concierge account' }]),
    mail: z
      .strictObject({
        from: z.string().min(3).default('Concierge <noreply@localhost>'),
        transport: z.enum(['file', 'smtp']).default('file'),
        smtp: z
          .strictObject({
            url: z.string().regex(/^smtps?:\/\//, 'expected smtp:// or smtps://'),
            pool: z.boolean().default(true),
            maxConnections: z.number().int().min(1).max(50).default(5),
          })
          .optional(),
        outbox: z
          .strictObject({
            maxAttempts: z.number().int().min(1).max(50).default(8),
            batchSize: z.number().int().min(1).max(1000).default(50),
            /** croner pattern with seconds; default every 5 seconds */
            schedule: cronPattern('*/5 * * * * *'),
          })
          .prefault({}),
      })
      .prefault({})
      .refine((mail) => mail.transport !== 'smtp' || mail.smtp !== undefined, {
        message: 'mail.transport is smtp: set mail.smtp.url',
        path: ['smtp'],
      }),
    /** Deletes expired sessions, old one-time tokens, old emails and digest items (see README). */
    cleanup: z
      .strictObject({
        /** croner pattern with seconds; default every 10 minutes */
        schedule: cronPattern('0 */10 * * * *'),
      })
      .prefault({}),
    serviceTokens: z.array(z.string().min(32, 'a service token needs at least 32 characters')).default([]),
    notifications: notificationsSchema,
  })
  .transform((c) => ({
    ...c,
    database: { ...c.database, url: c.database.url ?? `file:${c.dataDir.replace(/\/$/, '')}/concierge.db` },
  }));

/** The fully defaulted, validated configuration. Parsed once at start; nothing else reads the environment. */
export type Config = Readonly<z.output<typeof configSchema>>;
export type ProviderConfig = z.output<typeof providerSchema>;
