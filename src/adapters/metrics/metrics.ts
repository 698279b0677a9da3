import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  jobRun(job: string, outcome: 'ok' | 'error'): void;
  /** A directory re-check run of `provider` that its safety brake stopped (it disabled nobody). */
  directoryRecheckBraked(provider: string): void;
}

/** A registry of its own per app instance (tests build many apps in one process). */
export function createMetrics(options: { outboxDepth: () => Promise<number>; defaults?: boolean }): Metrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  // Requests are timed into a plain array and handed to prom-client when Prometheus scrapes (or every
  // 10,000 requests): its observe() checks and hashes the label set each time, which cost more than
  // the rest of a cached GET /api/v1/me. Labels are matched route patterns, so children are few.
  const pending: Array<{ key: string; method: string; route: string; status: number; seconds: number }> = [];
  const children = new Map<string, { observe(seconds: number): void }>();
  const drain = () => {
    for (const p of pending) {
      let child = children.get(p.key);
      if (!child) {
        child = duration.labels({ method: p.method, route: p.route, status: String(p.status) });
        children.set(p.key, child);
      }
      child.observe(p.seconds);
    }
    pending.length = 0;
  };
  const duration = new Histogram({
    name: 'concierge_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
    collect: drain,
  });
  const runs = new Counter({
    name: 'concierge_job_runs_total',
    help: 'Scheduled job runs by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const braked = new Counter({
    name: 'concierge_directory_recheck_braked_total',
    help: 'Directory re-check runs stopped by the safety brake (too many users to disable at once), by provider',
    labelNames: ['provider'] as const,
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
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      pending.push({ key: `${method} ${status} ${route}`, method, route, status, seconds });
      if (pending.length >= 10_000) drain();
    },
    jobRun: (job, outcome) => runs.inc({ job, outcome }),
    directoryRecheckBraked: (provider) => braked.inc({ provider }),
  };
}
