import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Metrics } from '../../../adapters/metrics/metrics.js';
import { anyone } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { problemResponses } from '../../problem.js';

export type Readiness = () => Promise<{ ready: boolean; checks: Record<string, string> }>;

const readySchema = z.object({ ready: z.boolean(), checks: z.record(z.string(), z.string()) });

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getLiveness',
  ...anyone(),
  tags: ['operations'],
  summary: 'Liveness: the process answers',
  responses: {
    200: {
      description: 'Alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
    ...problemResponses('4XX'),
  },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  ...anyone(),
  tags: ['operations'],
  summary: 'Readiness: the database answers and its schema is current',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: readySchema } } },
    503: {
      description: 'Not ready; `checks` says why',
      content: { 'application/json': { schema: readySchema } },
    },
    ...problemResponses('4XX'),
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
    operationId: 'getMetrics',
    ...anyone(),
    tags: ['operations'],
    summary: 'Prometheus metrics: request durations by route pattern, job runs, outbox depth, process',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        content: { 'text/plain': { schema: z.string() } },
      },
      ...problemResponses('4XX'),
    },
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}
