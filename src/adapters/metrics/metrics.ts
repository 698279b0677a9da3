import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  jobRun(job: string, outcome: 'ok' | 'error'): void;
}

/** A registry of its own per app instance (tests build many apps in one process). */
export function createMetrics(options: { outboxDepth: () => Promise<number>; defaults?: boolean }): Metrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'concierge_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const runs = new Counter({
    name: 'concierge_job_runs_total',
    help: 'Scheduled job runs by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'concierge_outbox_depth',
    help: 'Emails waiting in the outbox',
    registers: [registry],
    async collect() {
      // A database outage must not fail the whole scrape (the other metrics matter most then): NaN = unknown.
      this.set(await options.outboxDepth().catch(() => Number.NaN));
    },
  });
  // Labelled children kept per (method, route, status): labels are matched route patterns, so few, and
  // prom-client then skips checking and hashing the label set on every request.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let child = children.get(key);
      if (!child) {
        child = duration.labels({ method, route, status: String(status) });
        children.set(key, child);
      }
      child.observe(seconds);
    },
    jobRun: (job, outcome) => runs.inc({ job, outcome }),
  };
}
