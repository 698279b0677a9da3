/**
 * One normalised identity, whichever system proved it. An external account is keyed by provider +
 * issuer + subject, never by email.
 */
export interface ExternalIdentity {
  readonly providerId: string;
  /** The directory's base or the OIDC issuer URL: with `subject`, the stable key of the account. */
  readonly issuer: string;
  /** LDAP entryUUID (or DN when absent); OIDC `sub`. */
  readonly subject: string;
  readonly username: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly firstName: string;
  readonly lastName: string;
  /**
   * The organisation's domain the provider vouches for, for per-domain policy: Google's `hd` claim (absent
   * for personal Google accounts, whatever their address), a verified address's domain elsewhere.
   */
  readonly domain?: string;
}

/**
 * A provider that checks a username-or-email and password itself (LDAP). Returns null for wrong
 * credentials or an unknown identifier; throws DomainError `provider_unavailable` when it cannot be reached.
 */
export interface PasswordProvider {
  readonly id: string;
  readonly displayName: string;
  verify(identifier: string, password: string): Promise<ExternalIdentity | null>;
  /**
   * Asks the provider exactly what a `verify` that fails asks it (same connections, searches and binds,
   * the same inputs refused before any request) but never sends `password`: it is only measured. Sign-in
   * calls it for identifiers that are not this provider's to check, so they cost what its own do. Throws
   * like `verify` when the provider cannot be reached.
   */
  rehearse(identifier: string, password: string): Promise<void>;
}
