import { z } from '@hono/zod-openapi';
import { nulMessage, plainText, withoutControl, withoutNul } from '../me/me-schemas.js';

export const MAX_EVENTS = 1000;
/** Deliveries one batch may ask for, so one transaction stays bounded. */
export const MAX_BATCH_RECIPIENTS = 50_000;

export const eventSchema = z
  .strictObject({
    // Names, ids and keys hold no control characters, free text no NUL (PostgreSQL's text refuses it):
    // refused here with 400 on both engines, never a 500 from the database.
    type: plainText(64, 1).meta({ description: 'A type of the catalog, e.g. task.assigned' }),
    recipients: z
      .array(plainText(254, 1))
      .min(1)
      .max(MAX_EVENTS)
      .meta({ description: 'usernames or user ids' }),
    title: z.string().trim().min(1).max(200).refine(withoutNul, nulMessage),
    body: z.string().max(10_000).refine(withoutNul, nulMessage).nullish(),
    url: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .max(2048)
      .refine(withoutControl, 'must not contain control characters')
      .nullish(),
    actor: plainText(254, 1).nullish().meta({ description: 'username or id of who did it' }),
    project: plainText(200, 1).nullish(),
    occurredAt: z.iso.datetime({ offset: true }).nullish(),
    idempotencyKey: plainText(200, 1),
  })
  .meta({ id: 'Event' });

export const batchSchema = z
  .strictObject({ events: z.array(eventSchema).min(1).max(MAX_EVENTS) })
  .meta({ id: 'EventBatch' });

export const ingestBody = z.union([eventSchema, batchSchema]);

export const ingestReport = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    unknownRecipients: z
      .array(z.object({ idempotencyKey: z.string(), recipients: z.array(z.string()).readonly() }))
      .readonly(),
    deliveries: z.object({ inbox: z.number().int(), email: z.number().int(), digest: z.number().int() }),
  })
  .meta({ id: 'IngestReport' });
