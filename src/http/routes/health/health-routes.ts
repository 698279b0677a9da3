import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Metrics } from '../../../adapters/metrics/metrics.js';
import type { AppEnv } from '../../app-env.js';

export type Readiness = () => Promise<{ ready: boolean; checks: Record<string, string> }>;

const readySchema = z.object({ ready: z.boolean(), checks: z.record(z.string(), z.string()) });

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Liveness: the process answers',
  responses: {
    200: {
      description: 'Alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['operations'],
  summary: 'Readiness: the database answers and its schema is current',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: readySchema } } },
    503: {
      description: 'Not ready; `checks` says why',
      content: { 'application/json': { schema: readySchema } },
    },
  },
});

/** /healthz, /readyz and /metrics (Prometheus text format). */
export function healthRoutes(deps: { readiness: Readiness; metrics: Metrics }) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyz, async (c) => {
    const result = await deps.readiness();
    return result.ready ? c.json(result, 200) : c.json(result, 503);
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics: request durations by route pattern, job runs, outbox depth, process',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        content: { 'text/plain': { schema: z.string() } },
      },
    },
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}
