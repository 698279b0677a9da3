import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const localProvider = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected lowercase letters, digits and dashes'),
  kind: z.literal('local'),
  displayName: z.string().min(1).max(80).default('Concierge account'),
});

export const providerSchema = z.discriminatedUnion('kind', [localProvider]);

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
            schedule: z.string().default('*/5 * * * * *'),
          })
          .prefault({}),
      })
      .prefault({})
      .refine((mail) => mail.transport !== 'smtp' || mail.smtp !== undefined, {
        message: 'mail.transport is smtp: set mail.smtp.url',
        path: ['smtp'],
      }),
    serviceTokens: z.array(z.string().min(32, 'a service token needs at least 32 characters')).default([]),
  })
  .transform((c) => ({
    ...c,
    database: { ...c.database, url: c.database.url ?? `file:${c.dataDir.replace(/\/$/, '')}/concierge.db` },
  }));

/** The fully defaulted, validated configuration. Parsed once at start; nothing else reads the environment. */
export type Config = Readonly<z.output<typeof configSchema>>;
export type ProviderConfig = z.output<typeof providerSchema>;
