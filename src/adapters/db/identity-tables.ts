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

export interface IdentityTables {
  external_identities: ExternalIdentitiesTable;
}
