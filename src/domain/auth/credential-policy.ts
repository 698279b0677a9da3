/** What Concierge knows of the provider an account belongs to (from configuration). */
export interface ProviderInfo {
  readonly id: string;
  readonly kind: string;
  readonly displayName: string;
  /** Who its users should contact about their password, when configured. */
  readonly contact?: string;
  /** `directory`: an LDAP provider whose users change their directory password here (RFC 3062). */
  readonly passwords?: 'directory' | 'contact-admin';
}

/** What a person may do with their credentials and profile here, and whom to ask otherwise. */
export interface CredentialCapabilities {
  readonly changePassword: boolean;
  readonly resetPassword: boolean;
  readonly editEmail: boolean;
  readonly editName: boolean;
  /** Who manages the password when Concierge does not: the provider's contact, else `support.contact`. */
  readonly contact: string;
  readonly providerName: string;
}

/**
 * The one rule deciding, per account, who manages its credentials. Local accounts may do everything;
 * accounts of any other provider change and reset their password elsewhere and keep the name and email
 * their provider sends (LDAP `passwords: directory` and OIDC refine it).
 */
export function credentialPolicy(
  provider: ProviderInfo,
  support: { readonly contact: string },
): CredentialCapabilities {
  const contact = provider.contact ?? support.contact;
  if (provider.kind === 'local') {
    return {
      changePassword: true,
      resetPassword: true,
      editEmail: true,
      editName: true,
      contact,
      providerName: provider.displayName,
    };
  }
  // `passwords: directory`: changed here, bound as the user; never reset here (no link can prove who
  // asks for a directory password), and names and email stay those the directory sends.
  const directory = provider.kind === 'ldap' && provider.passwords === 'directory';
  return {
    changePassword: directory,
    resetPassword: false,
    editEmail: false,
    editName: false,
    contact,
    providerName: provider.displayName,
  };
}

/** The sentence shown to someone whose password is managed elsewhere. */
export function credentialsHelp(capabilities: CredentialCapabilities): string | undefined {
  if (capabilities.changePassword && capabilities.resetPassword) return undefined;
  if (capabilities.changePassword) {
    return `Your password is kept by ${capabilities.providerName}. You can change it here; if you forget it, contact ${capabilities.contact}.`;
  }
  return `Your password is managed by ${capabilities.providerName}. To change or reset it, contact ${capabilities.contact}.`;
}
