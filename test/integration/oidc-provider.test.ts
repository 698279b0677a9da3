import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcProviderConfig, oidcProvider } from '../../src/adapters/identity/oidc.js';
import { providerSchema } from '../../src/config/schema.js';
import type { RedirectSecrets } from '../../src/domain/auth/redirect-sign-in.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { generateToken } from '../../src/domain/shared/tokens.js';
import {
  googleProviderConfig,
  signInAtProvider,
  startOidcProvider,
  type TestOidcProvider,
} from '../support/oidc-provider.js';

const redirectUri = 'http://concierge.test/auth/oidc/google/callback';
let op: TestOidcProvider;
beforeAll(async () => {
  op = await startOidcProvider({ redirectUris: [redirectUri] });
});
afterAll(() => op?.close());

function google(overrides: Record<string, unknown> = {}) {
  // The preset's issuer is https://accounts.google.com; the test double stands in for it.
  const config = providerSchema.parse(
    googleProviderConfig(op, { allowedDomains: ['studio.example'], ...overrides }),
  ) as OidcProviderConfig;
  return oidcProvider(config, { contact: 'the studio IT desk' });
}

const secrets = (): RedirectSecrets => ({
  redirectUri,
  state: generateToken(),
  nonce: generateToken(),
  codeVerifier: generateToken(32),
});

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('OpenID Connect adapter with the Google preset', () => {
  it('signs in a verified account of an allowed domain, keyed by issuer and numeric sub', async () => {
    const provider = google();
    const sub = op.addAccount({
      email: 'ana@studio.example',
      email_verified: true,
      hd: 'studio.example',
      given_name: 'Ana',
      family_name: 'Lima',
    });
    const s = secrets();
    const url = await provider.authorizationUrl(s);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('hd')).toBe('studio.example');
    expect(url.searchParams.get('nonce')).toBe(s.nonce);
    const callback = await signInAtProvider(url, sub);
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    const identity = await provider.finish(callback, s);
    expect(identity).toEqual({
      providerId: 'google',
      issuer: op.issuer,
      subject: sub,
      username: 'ana',
      email: 'ana@studio.example',
      emailVerified: true,
      firstName: 'Ana',
      lastName: 'Lima',
      domain: 'studio.example',
    });
  });

  it.each([
    ['missing (a consumer account)', undefined],
    ['of another organisation', 'rival.example'],
  ])('refuses an account whose hd claim is %s, even with an allowed email domain', async (_label, hd) => {
    const provider = google();
    const sub = op.addAccount({
      email: 'mallory@studio.example',
      email_verified: true,
      ...(hd ? { hd } : {}),
    });
    const s = secrets();
    const callback = await signInAtProvider(await provider.authorizationUrl(s), sub);
    const error = await errorOf(provider.finish(callback, s));
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('studio.example');
    expect(error.message).toContain('the studio IT desk');
  });

  it('refuses an email address the provider has not verified', async () => {
    const provider = google();
    const sub = op.addAccount({ email: 'new@studio.example', email_verified: false, hd: 'studio.example' });
    const s = secrets();
    const callback = await signInAtProvider(await provider.authorizationUrl(s), sub);
    const error = await errorOf(provider.finish(callback, s));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/not confirm that new@studio.example is verified/);
  });

  it('refuses a callback whose state was tampered with, before any token request', async () => {
    const provider = google();
    const sub = op.addAccount({ email: 'tamper@studio.example', email_verified: true, hd: 'studio.example' });
    const s = secrets();
    const callback = await signInAtProvider(await provider.authorizationUrl(s), sub);
    callback.searchParams.set('state', generateToken());
    expect((await errorOf(provider.finish(callback, s))).code).toBe('unauthenticated');
    // The code was never spent: the untampered callback still works once.
    callback.searchParams.set('state', s.state);
    expect((await provider.finish(callback, s)).email).toBe('tamper@studio.example');
  });

  it('refuses a replayed authorization code', async () => {
    const provider = google();
    const sub = op.addAccount({ email: 'replay@studio.example', email_verified: true, hd: 'studio.example' });
    const s = secrets();
    const callback = await signInAtProvider(await provider.authorizationUrl(s), sub);
    await provider.finish(callback, s);
    const error = await errorOf(provider.finish(callback, s));
    expect(error.code).toBe('unauthenticated');
    expect(error.message).toContain('invalid_grant');
  });

  it('refuses a wrong PKCE verifier or nonce', async () => {
    const provider = google();
    const sub = op.addAccount({ email: 'pkce@studio.example', email_verified: true, hd: 'studio.example' });
    const s = secrets();
    const callback = await signInAtProvider(await provider.authorizationUrl(s), sub);
    expect((await errorOf(provider.finish(callback, { ...s, codeVerifier: generateToken(32) }))).code).toBe(
      'unauthenticated',
    );
    const s2 = secrets();
    const callback2 = await signInAtProvider(await provider.authorizationUrl(s2), sub);
    expect((await errorOf(provider.finish(callback2, { ...s2, nonce: 'another-nonce' }))).code).toBe(
      'unauthenticated',
    );
  });

  it('a generic OIDC provider checks allowedDomains against the verified email when there is no hd', async () => {
    const provider = google({ preset: undefined, id: 'sso', displayName: 'Studio SSO' });
    const ok = op.addAccount({ email: 'eve@studio.example', email_verified: true });
    const s = secrets();
    expect(
      (await provider.finish(await signInAtProvider(await provider.authorizationUrl(s), ok), s)).domain,
    ).toBe('studio.example');
    const other = op.addAccount({ email: 'eve@elsewhere.example', email_verified: true });
    const s2 = secrets();
    const callback = await signInAtProvider(await provider.authorizationUrl(s2), other);
    expect((await errorOf(provider.finish(callback, s2))).code).toBe('forbidden');
  });

  it('answers provider_unavailable while the issuer cannot be reached, and recovers', async () => {
    const down = await startOidcProvider({ redirectUris: [redirectUri] });
    const issuer = down.issuer;
    await down.close();
    const provider = google({ issuer, clientId: 'x' });
    const error = await errorOf(provider.authorizationUrl(secrets()));
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toContain('Google cannot be reached');
  });

  it('warns loudly when it allows plain http to a loopback issuer (development only)', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const config = providerSchema.parse({ id: 'dev', kind: 'oidc', issuer: op.issuer, clientId: 'x' });
    oidcProvider(config as OidcProviderConfig, { logger, contact: 'x' });
    expect(lines.join('')).toContain('DEVELOPMENT ONLY: OpenID provider over plain http');
  });

  it('stops the boot for a plain-http issuer that is not on loopback', () => {
    expect(() => google({ issuer: 'http://idp.studio.example' })).toThrow(/must use https/);
  });
});
