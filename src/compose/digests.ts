import type { Logger } from 'pino';
import type { Db } from '../adapters/db/database.js';
import { digestScheduling, pruneDigestRuns } from '../adapters/db/digest-scheduling-store.js';
import { digestRunStore, digestTransactor } from '../adapters/db/digest-store.js';
import type { RenderEmail } from '../adapters/db/outbox-store.js';
import type { Catalog } from '../domain/notifications/catalog.js';
import { DEFAULT_DIGEST_LIMIT } from '../domain/notifications/digest-assembly.js';
import { nextDigestFor, previewDigest } from '../domain/notifications/digest-preview.js';
import type { DigestDefaults } from '../domain/notifications/digest-schedule.js';
import type { DigestDeps } from '../domain/notifications/run-digests.js';
import { rescheduleDigest } from '../domain/notifications/run-due-digests.js';
import type { Signer } from '../domain/notifications/unsubscribe-token.js';
import type { Clock } from '../domain/shared/clock.js';
import { digestJob } from '../jobs/digest-job.js';

export interface DigestFeatureOptions {
  readonly db: Db;
  readonly render: RenderEmail;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly catalog: Catalog;
  readonly signer: () => Promise<Signer>;
  readonly defaults: DigestDefaults;
  readonly publicUrl: string;
  readonly listIdDomain: string;
  /** This process's lease owner id. */
  readonly owner: string;
  readonly leaseMs?: number;
  readonly schedule?: string;
  readonly batchSize?: number;
  readonly maxBatches?: number;
  readonly limit?: number;
  /** Users per transaction, each under its own savepoint (see DigestDeps.groupSize). */
  readonly groupSize?: number;
}

/** Wires the digest feature (job, CLI run, preview, rescheduling) onto its database adapters. */
export function composeDigests(o: DigestFeatureOptions) {
  const storeOptions = { owner: o.owner, leaseMs: o.leaseMs ?? 5 * 60_000, defaults: o.defaults };
  const scheduling = digestScheduling(o.db, storeOptions);
  const deps: DigestDeps & { scheduling: typeof scheduling } = {
    transact: digestTransactor(o.db, storeOptions, o.render, o.clock),
    scheduling,
    catalog: o.catalog,
    signer: o.signer,
    clock: o.clock,
    publicUrl: o.publicUrl,
    listIdDomain: o.listIdDomain,
    limit: o.limit ?? DEFAULT_DIGEST_LIMIT,
    groupSize: o.groupSize ?? 20,
  };
  const job = digestJob({
    digests: deps,
    logger: o.logger,
    schedule: o.schedule ?? '0 * * * * *',
    batchSize: o.batchSize ?? 100,
    maxBatches: o.maxBatches ?? 100,
    pruneRuns: (before) => pruneDigestRuns(o.db, before),
  });
  const readDeps = {
    reader: digestRunStore(o.db.kysely, o.db.dialect, storeOptions, o.clock),
    scheduling,
    catalog: o.catalog,
    clock: o.clock,
    limit: deps.limit,
  };
  return {
    job,
    /** What the user's next digest would hold now (GET /me/digest/preview). */
    preview: (userId: string) => previewDigest(readDeps, userId),
    /** When the user's next digest goes out (null: off; undefined: no such user). */
    nextDigestAt: (userId: string) => nextDigestFor(readDeps, userId),
    /** Recomputes the schedule after a settings change. */
    reschedule: (userId: string) => rescheduleDigest({ scheduling, clock: o.clock }, userId),
  };
}
