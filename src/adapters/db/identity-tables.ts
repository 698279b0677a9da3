/** Tables of sign-in providers (migration 0005-identity). */
export interface ExternalIdentitiesTable {
  provider_id: string;
  /** LDAP user base or OIDC issuer URL */
  issuer: string;
  /** LDAP entryUUID (or DN), OIDC `sub` */
  subject: string;
  user_id: string;
  created_at: number;
  last_sign_in_at: number;
}

/** Users the directory re-check disabled (migration 0008-directory-removals). */
export interface DirectoryRemovalsTable {
  user_id: string;
  /** the LDAP provider whose directory no longer lists the user */
  provider_id: string;
  removed_at: number;
}

/** Jobs one replica at a time runs, and who holds each (migration 0009-job-leases). */
export interface JobLeasesTable {
  /** e.g. directory-recheck:<provider id> */
  name: string;
  /** the holding process */
  owner: string;
  /** epoch milliseconds; after it, any replica may take the lease */
  lease_until: number;
}

export interface IdentityTables {
  external_identities: ExternalIdentitiesTable;
  directory_removals: DirectoryRemovalsTable;
  job_leases: JobLeasesTable;
}
