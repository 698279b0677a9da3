import { z } from '@hono/zod-openapi';

export const preferencesSchema = z
  .object({
    fuzzyDates: z.boolean().meta({ description: 'Relative dates ("2 days ago") instead of exact ones' }),
    timeZone: z.string().meta({ description: 'IANA time zone, e.g. Europe/Paris' }),
    locale: z.string().meta({ description: 'BCP 47 language tag, e.g. en-GB' }),
  })
  .meta({ id: 'Preferences' });

export const meSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    pendingEmail: z
      .string()
      .nullable()
      .meta({ description: 'A new address waiting for confirmation through the link sent to it' }),
    avatarUrl: z.string().nullable(),
    role: z.enum(['user', 'admin']),
    provider: z.object({ id: z.string(), kind: z.string(), displayName: z.string() }),
    preferences: preferencesSchema,
    capabilities: z.object({
      changePassword: z.boolean(),
      resetPassword: z.boolean(),
      editEmail: z.boolean(),
      editName: z.boolean(),
    }),
    credentialsHelp: z
      .string()
      .optional()
      .meta({ description: 'Who manages the password, for accounts of another provider' }),
  })
  .meta({ id: 'Me' });

export const sessionSchema = z
  .object({
    id: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

// Every free-text field is bounded at the edge; the domain applies the finer rules (names 100, email 254).
export const passwordField = z.string().min(1).max(1024);

// PostgreSQL refuses NUL in text and no identifier, id or search term holds control characters: refuse
// them at the edge so they never reach a query (a clear 400, not a 500).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True when `s` holds no control character. */
export const withoutControl = (s: string) => !CONTROL.test(s);

/** A bounded string without control characters. */
export function plainText(max: number, min = 0) {
  return z.string().min(min).max(max).refine(withoutControl, 'must not contain control characters');
}

/**
 * For free text that may hold line breaks and tabs (a notification's title or body): only NUL is refused,
 * which PostgreSQL's text type cannot store, so both engines answer 400 rather than one of them 500.
 */
export const withoutNul = (s: string) => !s.includes('\u0000');
export const nulMessage = 'must not contain NUL characters';
