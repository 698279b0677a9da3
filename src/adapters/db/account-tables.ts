// Tables of migration 0002-accounts (see schema.ts for the column conventions).

export interface AuthThrottleTable {
  /** e.g. `signin:account:<user id>`, `signin:ip:<address>`, `reset:account:name:<identifier>` */
  key: string;
  /** attempts in the window that started at window_started_at */
  attempts: number;
  window_started_at: number;
  locked_until: number | null;
}

export interface UsernameAliasesTable {
  /** a former username's key (NFC, lower case); it still signs in as user_id */
  alias_key: string;
  user_id: string;
  created_at: number;
}

export interface AccountTables {
  auth_throttle: AuthThrottleTable;
  username_aliases: UsernameAliasesTable;
}
