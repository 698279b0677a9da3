// A digest worker in its own process, for the exactly-once tests: the job's code (runDueDigests over
// the real database adapters) with optional pauses, so a test can SIGKILL it at a chosen moment.
//
//   DIGEST_DB_URL    file:… or postgres://… (already migrated)
//   DIGEST_OWNER     lease owner id (default worker-<pid>)
//   DIGEST_LEASE_MS  lease length (default 60000)
//   DIGEST_BATCH     users claimed per batch (default 100)
//   DIGEST_GROUP     users per transaction, each under a savepoint (default 20, as in production)
//   DIGEST_PAUSE_AT  "claim": stop after the first non-empty claim, before any digest is written;
//                    "enqueue:N": stop inside the transaction of the N-th digest, after its outbox
//                    row was written and before commit. The worker prints a JSON line and waits.
import { createRenderer } from '../../emails/render.js';
import { openDatabase } from '../../src/adapters/db/database.js';
import { digestScheduling } from '../../src/adapters/db/digest-scheduling-store.js';
import { digestTransactor } from '../../src/adapters/db/digest-store.js';
import { unsubscribeSigner } from '../../src/adapters/db/server-secret-store.js';
import type { DigestDeps } from '../../src/domain/notifications/run-digests.js';
import { runDueDigests } from '../../src/domain/notifications/run-due-digests.js';
import { digestPublicUrl, testCatalog } from './digest-fixtures.js';

const env = process.env;
const db = await openDatabase(env.DIGEST_DB_URL!, { poolSize: 4 });
const storeOptions = {
  owner: env.DIGEST_OWNER ?? `worker-${process.pid}`,
  leaseMs: Number(env.DIGEST_LEASE_MS ?? 60_000),
  defaults: { frequency: 'daily', time: '08:00', weekday: 1 } as const,
};
const pauseAt = env.DIGEST_PAUSE_AT ?? '';
const clock = () => new Date();

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function pause(message: Record<string, unknown>): Promise<never> {
  say({ event: 'paused', ...message });
  setInterval(() => {}, 60_000);
  return new Promise<never>(() => {});
}

const scheduling = digestScheduling(db, storeOptions);
const pausingScheduling: typeof scheduling = {
  ...scheduling,
  async claimDue(now, limit, dueBy) {
    const ids = await scheduling.claimDue(now, limit, dueBy);
    if (pauseAt === 'claim' && ids.length > 0) await pause({ at: 'claim', claimed: ids.length });
    return ids;
  },
};

const transact = digestTransactor(db, storeOptions, createRenderer(digestPublicUrl), clock);
let enqueued = 0;
const pausingTransact: DigestDeps['transact'] = (work) =>
  transact((stores) =>
    work({
      ...stores,
      outbox: {
        async enqueue(email) {
          await stores.outbox.enqueue(email);
          enqueued += 1;
          if (pauseAt === `enqueue:${enqueued}`) await pause({ at: 'enqueue', enqueued });
        },
      },
    }),
  );

const report = await runDueDigests(
  {
    transact: pausingTransact,
    scheduling: pausingScheduling,
    catalog: testCatalog,
    signer: unsubscribeSigner(db),
    clock,
    publicUrl: digestPublicUrl,
    listIdDomain: 'concierge.test',
    limit: 50,
    groupSize: Number(env.DIGEST_GROUP ?? 20),
  },
  {
    batchSize: Number(env.DIGEST_BATCH ?? 100),
    maxBatches: 10_000,
    onError: (userId, error) => say({ event: 'error', userId, message: (error as Error).message }),
  },
);
say({ event: 'done', ...report });
await db.close();
process.exit(0);
