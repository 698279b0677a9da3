import type { Logger } from 'pino';
import type { Stores } from '../adapters/db/stores.js';
import { ProviderConfigError } from '../adapters/identity/provider-config-error.js';
import { buildProviderRegistry } from '../adapters/identity/registry.js';
import type { Config } from '../config/schema.js';
import type { User } from '../domain/accounts/user.js';
import { changeDirectoryPassword } from '../domain/auth/directory-password.js';
import type { ExternalIdentity } from '../domain/auth/external-identity.js';
import { type ExternalSignInDeps, signInWithExternalIdentity } from '../domain/auth/external-sign-in.js';
import { type DeviceDeps, recogniseDevice } from '../domain/auth/known-devices.js';
import { finishRedirectSignIn, startRedirectSignIn } from '../domain/auth/redirect-sign-in.js';
import { createSession } from '../domain/auth/sessions.js';
import type { Clock } from '../domain/shared/clock.js';
import type { Transact } from '../domain/shared/transaction.js';
import type { OidcSignInService } from '../http/routes/oidc/oidc-routes.js';
import { rule } from './accounts.js';

export interface IdentityWiring {
  readonly config: Config;
  readonly stores: Pick<Stores, 'tokens' | 'sessions' | 'identities' | 'throttle'>;
  readonly transact: Transact<Stores>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly publicUrl: string;
  /** Recognises the browser at sign-in and raises the new-sign-in notice. */
  readonly devices: DeviceDeps;
}

/**
 * Sign-in providers from configuration (a misconfigured one throws here and stops the boot) and the
 * use cases around them: LDAP users for the password sign-in, OIDC redirects, directory passwords.
 */
export function composeIdentity(w: IdentityWiring) {
  const { config, stores, clock, publicUrl } = w;
  const registry = buildProviderRegistry(config.providers, {
    logger: w.logger,
    supportContact: config.support.contact,
  });
  const external: ExternalSignInDeps = { clock, transact: w.transact };
  const redirectUri = (providerId: string) => `${publicUrl}/auth/oidc/${providerId}/callback`;
  const throttle = { store: stores.throttle, rule: rule(config.auth.throttle.redirectStartIp) };

  const oidc: OidcSignInService = {
    start: (providerId, returnTo, meta) =>
      startRedirectSignIn({ tokens: stores.tokens, clock, throttle }, registry.redirect(providerId), {
        redirectUri: redirectUri(providerId),
        returnTo,
        ip: meta.ip,
      }),
    async finish(providerId, input) {
      const provider = registry.redirect(providerId);
      const { user, returnTo } = await finishRedirectSignIn(
        { ...external, tokens: stores.tokens },
        provider,
        registry.policy(providerId),
        {
          callbackUrl: input.callbackUrl,
          redirectUri: redirectUri(providerId),
          browserToken: input.browserToken,
        },
      );
      const { token, session } = await createSession({ sessions: stores.sessions, clock }, user.id, input);
      const device = await recogniseDevice(w.devices, user.id, input.device, input);
      return { token, expiresAt: session.expiresAt, returnTo, device };
    },
  };

  return {
    registry,
    /** LDAP providers, tried by POST /api/v1/auth/login for accounts that are not local. */
    passwordProviders: registry.passwordProviders,
    /** The user of an identity a password provider vouched for (found, linked or created). */
    resolveExternal: (identity: ExternalIdentity): Promise<User> =>
      signInWithExternalIdentity(external, registry.policy(identity.providerId), identity),
    oidc,
    /** For a `passwords: directory` user, changes the password in the directory; null for anyone else. */
    directoryPassword(user: User) {
      const directory = registry.directory(user.providerId);
      if (!directory) return null;
      return (currentPassword: string, newPassword: string) =>
        changeDirectoryPassword({ directory, identities: stores.identities }, user, {
          currentPassword,
          newPassword,
        });
    },
  };
}

/** Builds every provider once without a logger: the message of the first one that cannot work, or null. */
export function providerProblem(config: Config): string | null {
  try {
    buildProviderRegistry(config.providers, { supportContact: config.support.contact });
    return null;
  } catch (error) {
    if (error instanceof ProviderConfigError) return error.message;
    throw error;
  }
}
