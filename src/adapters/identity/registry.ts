import type { Logger } from 'pino';
import type { ProviderConfig } from '../../config/schema.js';
import type { DirectoryPasswords } from '../../domain/auth/directory-password.js';
import type { ExternalSignInPolicy } from '../../domain/auth/external-sign-in.js';
import type { RedirectProvider } from '../../domain/auth/redirect-sign-in.js';
import { DomainError } from '../../domain/shared/errors.js';
import { type LdapProvider, ldapProvider } from './ldap.js';
import { oidcProvider } from './oidc.js';

/** What the rest of Concierge knows of one configured provider. */
export interface ProviderEntry {
  readonly id: string;
  readonly kind: 'local' | 'ldap' | 'oidc';
  readonly displayName: string;
  /** Whom its users ask about their password, when configured for the provider. */
  readonly contact?: string;
  /** Who changes passwords: Concierge (local), the directory through Concierge, or only elsewhere. */
  readonly passwords: 'local' | 'directory' | 'elsewhere';
  /** Where the browser starts signing in (redirect providers only). */
  readonly loginUrl?: string;
}

export interface ProviderRegistry {
  /** Every configured provider, in configuration order (the login page's order). */
  readonly entries: readonly ProviderEntry[];
  /** The provider with this id; throws naming the known ids. */
  get(id: string): ProviderEntry;
  /** Providers that verify passwords themselves (LDAP), for POST /api/v1/auth/login. */
  readonly passwordProviders: readonly LdapProvider[];
  /** The redirect provider (OIDC) with this id; `not_found` naming the known ones. */
  redirect(id: string): RedirectProvider;
  /** First-sign-in and linking policy of an external provider. */
  policy(id: string): ExternalSignInPolicy;
  /** The directory of a `passwords: directory` provider, else null. */
  directory(id: string): DirectoryPasswords | null;
}

/**
 * Builds every provider adapter from configuration. A provider that cannot work as configured (an
 * unreadable CA file, an invalid filter, an http issuer off loopback) throws here and stops the boot.
 */
export function buildProviderRegistry(
  providers: readonly ProviderConfig[],
  deps: { logger?: Logger; supportContact: string },
): ProviderRegistry {
  const entries: ProviderEntry[] = [];
  const ldaps = new Map<string, LdapProvider>();
  const redirects = new Map<string, RedirectProvider>();
  const policies = new Map<string, ExternalSignInPolicy>();

  for (const config of providers) {
    if (config.kind === 'local') {
      entries.push({ id: config.id, kind: 'local', displayName: config.displayName, passwords: 'local' });
      continue;
    }
    const contact = config.contact ?? deps.supportContact;
    const adapterDeps = { contact, ...(deps.logger ? { logger: deps.logger } : {}) };
    if (config.kind === 'ldap') {
      const ldap = ldapProvider(config, adapterDeps);
      ldaps.set(config.id, ldap);
      entries.push({
        id: config.id,
        kind: 'ldap',
        displayName: ldap.displayName,
        ...(config.contact ? { contact: config.contact } : {}),
        passwords: config.passwords === 'directory' ? 'directory' : 'elsewhere',
      });
      // The directory is the gate: its users get an account on first sign-in unless told otherwise.
      policies.set(config.id, policyOf(config, ldap.displayName, contact, config.autoCreate ?? true, true));
    } else {
      const oidc = oidcProvider(config, adapterDeps);
      redirects.set(config.id, oidc);
      entries.push({
        id: config.id,
        kind: 'oidc',
        displayName: oidc.displayName,
        ...(config.contact ? { contact: config.contact } : {}),
        passwords: 'elsewhere',
        loginUrl: `/auth/oidc/${config.id}/start`,
      });
      // Anyone with a Google account could sign in: accounts are created only where the admin said so.
      if (!config.autoCreate && !config.linkByEmail) {
        deps.logger?.warn(
          { provider: config.id },
          'OIDC provider with neither autoCreate nor linkByEmail: only accounts linked earlier can sign in with it',
        );
      }
      policies.set(config.id, policyOf(config, oidc.displayName, contact, config.autoCreate ?? false, false));
    }
  }

  const known = (kinds?: readonly string[]) =>
    entries
      .filter((e) => !kinds || kinds.includes(e.kind))
      .map((e) => e.id)
      .join(', ') || '(none)';

  return {
    entries,
    get(id) {
      const entry = entries.find((e) => e.id === id);
      if (!entry) throw new Error(`unknown sign-in provider "${id}"; configured providers: ${known()}`);
      return entry;
    },
    passwordProviders: [...ldaps.values()],
    redirect(id) {
      const provider = redirects.get(id);
      if (!provider) {
        throw new DomainError(
          'not_found',
          `There is no single sign-on provider "${id.slice(0, 40)}". Known providers: ${known(['oidc'])}.`,
        );
      }
      return provider;
    },
    policy(id) {
      const policy = policies.get(id);
      if (!policy)
        throw new Error(`"${id}" is not an external sign-in provider; known: ${known(['ldap', 'oidc'])}`);
      return policy;
    },
    directory(id) {
      const entry = entries.find((e) => e.id === id);
      return entry?.passwords === 'directory' ? (ldaps.get(id) ?? null) : null;
    },
  };
}

function policyOf(
  config: { id: string; linkByEmail: boolean },
  displayName: string,
  contact: string,
  autoCreate: boolean | readonly string[],
  syncUsername: boolean,
): ExternalSignInPolicy {
  return {
    providerId: config.id,
    displayName,
    autoCreate,
    linkByEmail: config.linkByEmail,
    contact,
    syncUsername,
  };
}
