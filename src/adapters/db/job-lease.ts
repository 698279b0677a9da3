import type { RecheckLease } from '../../domain/auth/directory-recheck.js';
import type { Executor } from './database.js';

/**
 * A lease on the job `name` (table job_leases) for `owner`, `leaseMs` long from each claim or renewal.
 * Claiming is one upsert: it inserts the row, or takes it over when the lease has expired or `owner`
 * already holds it. PostgreSQL re-checks the condition on the locked row, so of two replicas claiming
 * at once one gets it; SQLite has one writer.
 */
export function jobLease(db: Executor, name: string, owner: string, leaseMs: number): RecheckLease {
  return {
    async claim(now) {
      const at = now.getTime();
      const row = await db
        .insertInto('job_leases')
        .values({ name, owner, lease_until: at + leaseMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ owner, lease_until: at + leaseMs })
            .where((eb) =>
              eb.or([eb('job_leases.owner', '=', owner), eb('job_leases.lease_until', '<', at)]),
            ),
        )
        .returning('name')
        .executeTakeFirst();
      return row !== undefined;
    },
    async renew(now) {
      const row = await db
        .updateTable('job_leases')
        .set({ lease_until: now.getTime() + leaseMs })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .returning('name')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
