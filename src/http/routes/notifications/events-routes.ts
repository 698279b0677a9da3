import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { IncomingEvent } from '../../../domain/notifications/ingest-ports.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { hostPlatform } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { requestLogger } from '../../middleware/request-log.js';
import { problemResponses } from '../../problem.js';
import { validationHook } from '../../validation.js';
import {
  batchSchema,
  eventSchema,
  ingestBody,
  ingestReport,
  MAX_BATCH_RECIPIENTS,
} from './events-schemas.js';
import type { NotificationsService } from './service.js';

const ingestRoute = (serviceTokens: readonly string[]) =>
  createRoute({
    method: 'post',
    path: '/api/v1/events',
    operationId: 'ingestEvents',
    tags: ['notifications'],
    summary: 'The host platform posts one event or {events: [...]} (up to 1,000) to notify users',
    description:
      'Each event is routed by every recipient’s settings to the inbox, an immediate email and the digest, in one transaction per request. The same idempotencyKey with the same content is stored once (counted in duplicates); with other content it answers 409. Unknown recipients are reported back in unknownRecipients, never dropped silently.',
    ...hostPlatform(serviceTokens),
    request: { body: { required: true, content: { 'application/json': { schema: ingestBody } } } },
    responses: {
      202: { description: 'Stored and routed', content: { 'application/json': { schema: ingestReport } } },
      ...problemResponses(400, 401, 409, 413, 415),
    },
  });

type Posted = z.output<typeof eventSchema>;

function toIncoming(e: Posted): IncomingEvent {
  return {
    type: e.type,
    recipients: e.recipients,
    title: e.title,
    body: e.body ?? null,
    url: e.url ?? null,
    actor: e.actor ?? null,
    project: e.project ?? null,
    occurredAt: e.occurredAt ? new Date(e.occurredAt) : null,
    idempotencyKey: e.idempotencyKey,
  };
}

const isBatch = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && 'events' in v;

/** POST /api/v1/events, for the host platform's service token only. */
export function eventsRoutes(deps: {
  notifications: NotificationsService;
  serviceTokens: readonly string[];
}) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    ingestRoute(deps.serviceTokens),
    async (c) => {
      const posted = c.req.valid('json');
      const batch = 'events' in posted;
      const events = batch ? posted.events : [posted];
      const recipients = events.reduce((n, e) => n + e.recipients.length, 0);
      if (recipients > MAX_BATCH_RECIPIENTS) {
        throw new DomainError(
          'validation_failed',
          `This batch names ${recipients} recipients in all; at most ${MAX_BATCH_RECIPIENTS} per request. Split it.`,
          {
            issues: [{ field: 'events', message: `at most ${MAX_BATCH_RECIPIENTS} recipients per request` }],
          },
        );
      }
      const report = await deps.notifications.ingest(
        events.map(toIncoming),
        batch ? (i) => `events.${i}` : () => '',
      );
      if (report.unknownRecipients.length > 0) {
        const names = [...new Set(report.unknownRecipients.flatMap((u) => u.recipients))];
        requestLogger(c).warn(
          { unknownRecipients: names.slice(0, 50), count: names.length },
          'events named unknown recipients',
        );
      }
      return c.json(report, 202);
    },
    // A failed union says only "invalid input": validate against the shape the client meant instead,
    // so each bad field is named.
    // (Hono types a hook as synchronous-or-typed; reading the cached body needs await, hence the cast.)
    (async (result: { success: boolean }, c: Context<AppEnv>) => {
      if (result.success) return undefined;
      const raw: unknown = await c.req.json().catch(() => undefined);
      const meant = (isBatch(raw) ? batchSchema : eventSchema).safeParse(raw);
      if (meant.success) return validationHook(result as Parameters<typeof validationHook>[0], c);
      return validationHook({ success: false, error: meant.error }, c);
    }) as never,
  );
  return app;
}
