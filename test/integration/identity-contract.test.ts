import { afterAll, describe, expect, it } from 'vitest';
import { type LdapProviderConfig, ldapProvider } from '../../src/adapters/identity/ldap.js';
import { type OidcProviderConfig, oidcProvider } from '../../src/adapters/identity/oidc.js';
import { providerSchema } from '../../src/config/schema.js';
import type { ExternalIdentity } from '../../src/domain/auth/external-identity.js';
import { generateToken } from '../../src/domain/shared/tokens.js';
import { signInAtProvider, startOidcProvider } from '../support/oidc-provider.js';
import { addPerson, baseDn, startSlapd } from '../support/slapd.js';

// One contract for every identity adapter: whatever proved the person, the domain receives the same
// normalised identity, keyed by provider + issuer + subject.
const slapd = await startSlapd();
afterAll(() => slapd.dispose());
const redirectUri = 'http://concierge.test/auth/oidc/sso/callback';
const op = await startOidcProvider({ redirectUris: [redirectUri] });
afterAll(() => op.close());

interface Person {
  readonly email: string;
  readonly first: string;
  readonly last: string;
}

/** Each adapter: create a person at the real provider, then sign them in through the adapter. */
const adapters: Record<
  string,
  { providerId: string; signIn(p: Person): Promise<() => Promise<ExternalIdentity>> }
> = {
  ldap: {
    providerId: 'studio-ldap',
    async signIn(p) {
      const ldap = ldapProvider(
        providerSchema.parse({
          id: 'studio-ldap',
          kind: 'ldap',
          url: slapd.url,
          bindDn: slapd.serviceDn,
          bindPassword: slapd.servicePassword,
          userBase: `ou=people,${baseDn}`,
        }) as LdapProviderConfig,
        { contact: 'x' },
      );
      const uid = p.email.split('@')[0] ?? '';
      const person = await addPerson(slapd, {
        uid,
        password: 'contract-pw-123',
        first: p.first,
        last: p.last,
        mail: p.email,
      });
      return async () => (await ldap.verify(person.uid, person.password))!;
    },
  },
  oidc: {
    providerId: 'sso',
    async signIn(p) {
      const oidc = oidcProvider(
        providerSchema.parse({
          id: 'sso',
          kind: 'oidc',
          issuer: op.issuer,
          clientId: op.clientId,
          clientSecret: op.clientSecret,
        }) as OidcProviderConfig,
        { contact: 'x' },
      );
      const sub = op.addAccount({
        email: p.email,
        email_verified: true,
        given_name: p.first,
        family_name: p.last,
      });
      return async () => {
        const secrets = {
          redirectUri,
          state: generateToken(),
          nonce: generateToken(),
          codeVerifier: generateToken(32),
        };
        const callback = await signInAtProvider(await oidc.authorizationUrl(secrets), sub);
        return oidc.finish(callback, secrets);
      };
    },
  },
};

const unique = () => Math.random().toString(36).slice(2, 8);

describe.each(Object.entries(adapters))('the %s identity adapter', (_kind, adapter) => {
  it('returns the normalised identity: provider, issuer, subject, username, verified email and names', async () => {
    const email = `contract-${unique()}@studio.example`;
    const signIn = await adapter.signIn({ email, first: 'Élodie', last: 'Ng' });
    const identity = await signIn();
    expect(identity).toMatchObject({
      providerId: adapter.providerId,
      email,
      emailVerified: true,
      firstName: 'Élodie',
      lastName: 'Ng',
      username: email.split('@')[0],
    });
    expect(identity.issuer.length).toBeGreaterThan(0);
    expect(identity.subject.length).toBeGreaterThan(0);
  });

  it('gives the same issuer and subject at every sign-in, and another subject to another person', async () => {
    const first = await adapter.signIn({ email: `a-${unique()}@studio.example`, first: 'A', last: 'One' });
    const second = await adapter.signIn({ email: `b-${unique()}@studio.example`, first: 'B', last: 'Two' });
    const a1 = await first();
    const a2 = await first();
    const b = await second();
    expect([a2.issuer, a2.subject]).toEqual([a1.issuer, a1.subject]);
    expect(b.issuer).toBe(a1.issuer);
    expect(b.subject).not.toBe(a1.subject);
  });
});
