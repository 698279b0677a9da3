import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { DigestPreview } from '../../../domain/notifications/digest-preview.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { signedIn } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { problemResponses } from '../../problem.js';

/** The digest use cases the HTTP layer needs, bound in src/compose. */
export interface DigestService {
  preview(userId: string): Promise<DigestPreview | null>;
  /** null: digests are off; undefined: no such user. */
  nextDigestAt(userId: string): Promise<Date | null | undefined>;
  /** Recomputes the next digest after a settings change. */
  reschedule(userId: string): Promise<Date | null>;
}

const entry = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  occurredAt: z.string().meta({ description: 'ISO 8601' }),
  when: z
    .string()
    .meta({ description: 'occurredAt in your date style (fuzzy or exact, your zone and locale)' }),
});

const preview = z
  .object({
    frequency: z.enum(['daily', 'weekly', 'off']),
    nextDigestAt: z.string().nullable().meta({ description: 'ISO 8601; null when digests are off' }),
    summary: z.string(),
    total: z.number().int().meta({ description: 'Unread items the digest would hold' }),
    shown: z.number().int(),
    more: z.number().int().meta({ description: 'Items past the limit, told as "and N more"' }),
    projects: z.array(
      z.object({
        name: z.string().nullable(),
        count: z.number().int(),
        types: z.array(
          z.object({
            type: z.string(),
            label: z.string(),
            count: z.number().int(),
            more: z.number().int(),
            items: z.array(entry),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'DigestPreview' });

const previewRoute = createRoute({
  method: 'get',
  path: '/api/v1/me/digest/preview',
  operationId: 'previewDigest',
  tags: ['notifications'],
  summary: 'What your next digest would hold if it were sent now (nothing is sent or consumed)',
  ...signedIn({ credentials: ['session', 'apiKey'] }),
  responses: {
    200: { description: 'The digest as it stands', content: { 'application/json': { schema: preview } } },
    ...problemResponses(401, 404),
  },
});

/** The digest preview of the signed-in user. */
export function digestRoutes(deps: { digests: DigestService }) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(previewRoute, async (c) => {
    const found = await deps.digests.preview(c.get('auth')!.user.id);
    if (!found) throw new DomainError('not_found', 'Your account no longer exists.');
    return c.json(previewJson(found), 200);
  });
  return app;
}

function previewJson(p: DigestPreview) {
  return {
    frequency: p.frequency,
    nextDigestAt: p.nextDigestAt?.toISOString() ?? null,
    summary: p.summary,
    total: p.content.total,
    shown: p.content.shown,
    more: p.content.more,
    projects: p.content.projects.map((project) => ({
      name: project.name,
      count: project.count,
      types: project.types.map((group) => ({
        type: group.type,
        label: group.label,
        count: group.count,
        more: group.more,
        items: group.items.map((item) => ({
          id: item.id,
          title: item.title,
          url: item.url,
          occurredAt: new Date(item.occurredAt).toISOString(),
          when: item.when,
        })),
      })),
    })),
  };
}
