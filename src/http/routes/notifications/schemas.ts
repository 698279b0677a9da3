import { z } from '@hono/zod-openapi';
import { plainText } from '../me/me-schemas.js';

const channels = z.object({ inbox: z.boolean(), email: z.boolean(), digest: z.boolean() });
const channelChange = z.strictObject({
  inbox: z.boolean().nullable().optional(),
  email: z.boolean().nullable().optional(),
  digest: z.boolean().nullable().optional(),
});

/** A per-type change; the read-only fields GET returns are accepted and ignored, so GET's shape can be PUT back. */
export const typeChange = z.strictObject({
  type: z.string().min(1).max(64),
  channels: channelChange.meta({
    description: 'true/false sets a channel; null follows the workspace default again',
  }),
  label: z.string().optional(),
  description: z.string().optional(),
  locked: z.boolean().optional(),
  digestible: z.boolean().optional(),
  defaults: channels.optional(),
  configured: channels.optional(),
  overridden: z.array(z.string()).optional(),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM, e.g. 08:00');

export const settingsUpdate = z
  .strictObject({
    types: z.array(typeChange).max(500).optional(),
    digest: z
      .strictObject({
        frequency: z.enum(['daily', 'weekly', 'off']).optional(),
        time: hhmm.optional(),
        timeZone: z
          .string()
          .min(1)
          .max(64)
          .nullable()
          .optional()
          .meta({ description: 'IANA zone; null follows your profile' }),
        weekday: z.number().int().min(1).max(7).optional().meta({ description: '1 = Monday … 7 = Sunday' }),
      })
      .optional(),
    notifyOwnActions: z.boolean().optional(),
    nextDigestAt: z.unknown().optional().meta({ description: 'read-only; ignored' }),
  })
  .meta({ id: 'NotificationSettingsUpdate' });

export const settingsView = z
  .object({
    types: z
      .array(
        z.object({
          type: z.string(),
          label: z.string(),
          description: z.string(),
          channels,
          defaults: channels,
          digestible: z.boolean(),
          locked: z.literal(true).optional(),
        }),
      )
      .readonly(),
    digest: z.object({
      frequency: z.enum(['daily', 'weekly', 'off']),
      time: z.string(),
      timeZone: z.string(),
      weekday: z.number().int().optional(),
    }),
    notifyOwnActions: z.boolean(),
    nextDigestAt: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'When your next digest goes out (ISO 8601); null when digests are off' }),
  })
  .meta({ id: 'NotificationSettings' });

export const defaultsView = z
  .object({
    types: z
      .array(
        z.object({
          type: z.string(),
          label: z.string(),
          description: z.string(),
          channels,
          configured: channels,
          overridden: z.array(z.enum(['inbox', 'email', 'digest'])).readonly(),
          digestible: z.boolean(),
          locked: z.literal(true).optional(),
        }),
      )
      .readonly(),
  })
  .meta({ id: 'NotificationDefaults' });

export const defaultsUpdate = z
  .strictObject({ types: z.array(typeChange).min(1).max(500) })
  .meta({ id: 'NotificationDefaultsUpdate' });

export const inboxItem = z.object({
  id: z.string(),
  type: z.string(),
  typeLabel: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  url: z.string().nullable(),
  actor: z.string().nullable(),
  project: z.string().nullable(),
  occurredAt: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
  readAt: z.string().nullable(),
});

export const inboxQuery = z.object({
  unread: z.enum(['true', 'false', '1', '0']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(200).optional(),
});

export const readBody = z
  .strictObject({
    ids: z.array(plainText(64, 1)).min(1).max(500).optional(),
    all: z.literal(true).optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), {
    message: 'send either ids or all: true',
    path: ['ids'],
  })
  .meta({ id: 'MarkNotificationsRead' });
