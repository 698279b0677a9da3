import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { ProviderConfig } from '../../config/schema.js';
import type { ExternalIdentity } from '../../domain/auth/external-identity.js';
import type { RedirectProvider, RedirectSecrets } from '../../domain/auth/redirect-sign-in.js';
import { DomainError } from '../../domain/shared/errors.js';
import { ProviderConfigError } from './provider-config-error.js';

export type OidcProviderConfig = Extract<ProviderConfig, { kind: 'oidc' }>;

export const GOOGLE_ISSUER = 'https://accounts.google.com';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export interface OidcProvider extends RedirectProvider {
  readonly kind: 'oidc';
}

/**
 * An OpenID Connect provider (openid-client v6): discovery at every sign-in start (so an unreachable
 * provider is reported before the browser is sent to it, and recovers by itself), authorization code
 * with PKCE, state and nonce. `preset: google` uses Google's issuer and checks `allowedDomains`
 * against the ID token's `hd` claim.
 */
export function oidcProvider(
  config: OidcProviderConfig,
  deps: { logger?: Logger; contact: string },
): OidcProvider {
  const google = config.preset === 'google';
  const issuer = new URL(config.issuer ?? GOOGLE_ISSUER);
  const displayName = config.displayName ?? (google ? 'Google' : issuer.hostname);
  const insecure = issuer.protocol === 'http:';
  if (insecure && !LOOPBACK.has(issuer.hostname)) {
    throw new ProviderConfigError(
      `providers.${config.id}.issuer must use https:// (plain http is allowed only on loopback, for development)`,
    );
  }
  if (insecure) {
    deps.logger?.warn(
      { provider: config.id, issuer: issuer.href },
      'DEVELOPMENT ONLY: OpenID provider over plain http (allowInsecureRequests); never use this in production',
    );
  }
  const allowed = config.allowedDomains?.map((d) => d.toLowerCase());
  // The configuration of the last discovery that worked, for callbacks (a start always fetches anew).
  let discovered: Promise<client.Configuration> | null = null;

  const unavailable = (cause: unknown) => {
    deps.logger?.warn({ provider: config.id, err: cause }, 'OpenID provider unavailable');
    return new DomainError(
      'provider_unavailable',
      `${displayName} cannot be reached right now. Try again in a few minutes, or sign in another way; if it keeps happening, contact ${deps.contact}.`,
      { cause, logDetail: (cause as Error)?.message },
    );
  };

  // A start asks the provider afresh: a configuration discovered earlier would build a valid URL to a
  // provider that is down, and the person would meet the browser's connection error there, or type
  // their password only to have the callback fail. One request per start, which is throttled per
  // address; a callback reuses the last configuration that worked.
  function configuration(fresh = false): Promise<client.Configuration> {
    if (discovered && !fresh) return discovered;
    const attempt = client
      .discovery(issuer, config.clientId, config.clientSecret, undefined, {
        timeout: Math.ceil(config.timeoutMs / 1000),
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        if (discovered === attempt) discovered = null;
        throw unavailable(error);
      });
    discovered = attempt;
    return attempt;
  }

  const refuse = (message: string) => new DomainError('forbidden', message);

  function identityFrom(claims: client.IDToken): ExternalIdentity {
    const email = typeof claims.email === 'string' ? claims.email.trim() : '';
    // Google sends a boolean; a few providers send the string "true".
    const verified = claims.email_verified === true || claims.email_verified === 'true';
    if (!email || !verified) {
      throw refuse(
        `${displayName} did not confirm that ${email || 'your email address'} is verified, so Concierge cannot sign you in with it. Verify the address at ${displayName}, or ask ${deps.contact}.`,
      );
    }
    const hd = typeof claims.hd === 'string' ? claims.hd.toLowerCase() : undefined;
    // Google: the hd claim is the only proof of a Workspace domain (gmail.com accounts have none).
    const domain = google ? hd : (hd ?? email.split('@')[1]?.toLowerCase());
    if (allowed && (!domain || !allowed.includes(domain))) {
      throw refuse(
        `${email} is not an account of ${allowed.join(' or ')}, which are the only ones allowed to sign in with ${displayName}. Sign in with your organisation's account, or ask ${deps.contact}.`,
      );
    }
    const preferred = typeof claims.preferred_username === 'string' ? claims.preferred_username : '';
    return {
      providerId: config.id,
      issuer: claims.iss,
      subject: claims.sub,
      username: preferred || (email.split('@')[0] ?? ''),
      email,
      emailVerified: true,
      firstName: typeof claims.given_name === 'string' ? claims.given_name : '',
      lastName: typeof claims.family_name === 'string' ? claims.family_name : '',
      ...(domain ? { domain } : {}),
    };
  }

  return {
    id: config.id,
    kind: 'oidc',
    displayName,

    async authorizationUrl(secrets: RedirectSecrets) {
      const conf = await configuration(true);
      const params: Record<string, string> = {
        redirect_uri: secrets.redirectUri,
        scope: config.scopes.join(' '),
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
        state: secrets.state,
        nonce: secrets.nonce,
      };
      // Only tunes Google's account picker; the hd claim is what is checked on return.
      if (google && allowed?.length === 1 && allowed[0]) params.hd = allowed[0];
      return client.buildAuthorizationUrl(conf, params);
    },

    async finish(callbackUrl: URL, secrets: RedirectSecrets) {
      const conf = await configuration();
      let claims: client.IDToken | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(conf, callbackUrl, {
          pkceCodeVerifier: secrets.codeVerifier,
          expectedState: secrets.state,
          expectedNonce: secrets.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (error) {
        throw translate(error, displayName, unavailable);
      }
      if (!claims) throw refuse(`${displayName} did not say who you are. Try again.`);
      return identityFrom(claims);
    },
  };
}

function translate(
  error: unknown,
  displayName: string,
  unavailable: (cause: unknown) => DomainError,
): DomainError {
  const again = 'Go back to the sign-in page and start again.';
  if (error instanceof client.AuthorizationResponseError) {
    const cancelled = error.error === 'access_denied';
    return new DomainError(
      'unauthenticated',
      cancelled
        ? `Sign-in at ${displayName} was cancelled. ${again}`
        : `${displayName} refused the sign-in (${error.error}). ${again}`,
      { cause: error },
    );
  }
  if (error instanceof client.ResponseBodyError) {
    if (error.status >= 500) return unavailable(error);
    return new DomainError(
      'unauthenticated',
      `${displayName} did not accept this sign-in (${error.error}): it may have been used already or expired. ${again}`,
      { cause: error },
    );
  }
  if (error instanceof client.ClientError && error.code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return new DomainError(
      'unauthenticated',
      `The answer from ${displayName} did not pass Concierge's checks. ${again}`,
      {
        cause: error,
        logDetail: error.message,
      },
    );
  }
  return unavailable(error);
}
