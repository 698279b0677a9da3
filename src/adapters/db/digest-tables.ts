// Tables of migration 0006-digests (conventions in schema.ts).

/** A user's digest schedule: the precomputed next run and the lease of the worker running it. */
export interface DigestSchedulesTable {
  /** the user id */
  id: string;
  /** the wall-clock intent `next_run_at` was computed from, e.g. "daily|08:00|Europe/Stockholm|1" */
  intent: string;
  next_run_at: number | null;
  /** period key of the last digest sent, e.g. "daily:2026-11-28" */
  last_period: string | null;
  last_run_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  updated_at: number;
}

/** A digest that was sent; (user_id, period_key) is unique. */
export interface DigestRunsTable {
  user_id: string;
  period_key: string;
  items: number;
  created_at: number;
}

export interface DigestTables {
  digest_schedules: DigestSchedulesTable;
  digest_runs: DigestRunsTable;
}
