import type { OneTimeTokenStore } from '../accounts/first-admin.js';
import type { User } from '../accounts/user.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { safeReturnTo } from '../shared/return-to.js';
import { generateToken, hashToken } from '../shared/tokens.js';
import type { ExternalIdentity } from './external-identity.js';
import {
  type ExternalSignInDeps,
  type ExternalSignInPolicy,
  signInWithExternalIdentity,
} from './external-sign-in.js';
import {
  assertNotLocked,
  recordAttempt,
  type ThrottleRule,
  type ThrottleStore,
  throttleKeys,
} from './throttle.js';

/** The per-attempt secrets of an authorization-code flow (PKCE verifier, state, nonce). */
export interface RedirectSecrets {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** A provider that signs people in by redirecting them to it (OpenID Connect). */
export interface RedirectProvider {
  readonly id: string;
  readonly displayName: string;
  /** Where to send the browser; throws `provider_unavailable` when the provider cannot be reached. */
  authorizationUrl(secrets: RedirectSecrets): Promise<URL>;
  /** Checks the callback (state, code, PKCE, nonce, ID token) and returns who signed in. */
  finish(callbackUrl: URL, secrets: RedirectSecrets): Promise<ExternalIdentity>;
}

const PURPOSE = 'redirect-sign-in';
// Long enough to pick an account and type a password at the provider, short enough to be useless later.
const ATTEMPT_TTL_MS = 10 * 60 * 1000;

interface AttemptData {
  readonly providerId: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
  /** SHA-256 of the browser-binding cookie, so a callback URL works only in the browser that started it. */
  readonly browser: string;
}

/**
 * Starts a sign-in at a redirect provider: stores the attempt (single use, 10 minutes) and returns
 * the provider's URL and the browser-binding secret to put in a cookie. Starts are counted per client
 * address (`too_many_requests` past the rule), since each one stores a row. A `returnTo` that is not a
 * path on this service becomes "/".
 */
export async function startRedirectSignIn(
  deps: {
    tokens: OneTimeTokenStore;
    clock: Clock;
    throttle: { store: ThrottleStore; rule: ThrottleRule };
  },
  provider: RedirectProvider,
  input: { redirectUri: string; returnTo: string | undefined; ip: string | null },
): Promise<{ url: URL; browserToken: string }> {
  if (input.ip !== null) {
    const key = throttleKeys.redirectStartIp(input.ip);
    const { store, rule } = deps.throttle;
    await assertNotLocked(
      store,
      key,
      deps.clock(),
      (wait) =>
        `Too many sign-ins were started from your network in a short time. Wait ${wait} and try again.`,
    );
    await recordAttempt(store, key, rule, deps.clock());
  }
  const secrets: RedirectSecrets = {
    redirectUri: input.redirectUri,
    state: generateToken(),
    nonce: generateToken(),
    codeVerifier: generateToken(32),
  };
  const browserToken = generateToken();
  const url = await provider.authorizationUrl(secrets);
  const now = deps.clock();
  const data: AttemptData = {
    providerId: provider.id,
    nonce: secrets.nonce,
    codeVerifier: secrets.codeVerifier,
    returnTo: safeReturnTo(input.returnTo),
    browser: hashToken(browserToken),
  };
  await deps.tokens.insert(
    {
      tokenHash: hashToken(secrets.state),
      purpose: PURPOSE,
      userId: null,
      data: JSON.stringify(data),
      expiresAt: new Date(now.getTime() + ATTEMPT_TTL_MS),
    },
    now,
  );
  return { url, browserToken };
}

/**
 * Completes a redirect sign-in: the attempt is consumed (a replayed callback finds nothing), must
 * belong to this provider and this browser, then the provider checks the response.
 */
export async function finishRedirectSignIn(
  deps: ExternalSignInDeps & { tokens: OneTimeTokenStore },
  provider: RedirectProvider,
  policy: ExternalSignInPolicy,
  input: { callbackUrl: URL; redirectUri: string; browserToken: string | undefined },
): Promise<{ user: User; returnTo: string }> {
  const state = input.callbackUrl.searchParams.get('state') ?? '';
  const again = `Go back to the sign-in page and start again.`;
  if (state.length === 0 || state.length > 200) {
    throw new DomainError('unauthenticated', `This sign-in response is incomplete. ${again}`);
  }
  const attempt = await deps.tokens.consume(hashToken(state), PURPOSE, deps.clock());
  const data = attempt?.data ? (JSON.parse(attempt.data) as AttemptData) : null;
  if (!data || data.providerId !== provider.id) {
    throw new DomainError(
      'unauthenticated',
      `This sign-in attempt is unknown, was already used or has expired. ${again}`,
    );
  }
  if (!input.browserToken || hashToken(input.browserToken) !== data.browser) {
    throw new DomainError(
      'unauthenticated',
      `This sign-in was started in another browser or its cookie was lost. ${again}`,
    );
  }
  const identity = await provider.finish(input.callbackUrl, {
    redirectUri: input.redirectUri,
    state,
    nonce: data.nonce,
    codeVerifier: data.codeVerifier,
  });
  const user = await signInWithExternalIdentity(deps, policy, identity);
  // Checked again on the way out: a row written under an earlier, weaker rule must not redirect off-site.
  return { user, returnTo: safeReturnTo(data.returnTo) };
}
