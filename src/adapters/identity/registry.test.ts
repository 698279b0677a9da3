import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../config/load.js';
import { DomainError } from '../../domain/shared/errors.js';
import { buildProviderRegistry } from './registry.js';

const ldap = {
  id: 'studio-ldap',
  kind: 'ldap',
  url: 'ldaps://ldap.studio.example:636',
  bindDn: 'cn=concierge,ou=services,dc=studio,dc=example',
  bindPassword: 'secret',
  userBase: 'ou=people,dc=studio,dc=example',
};
const google = { id: 'google', kind: 'oidc', preset: 'google', clientId: 'id', clientSecret: 'secret' };

function registry(providers: unknown[]) {
  const config = parseConfig({ providers, support: { contact: 'support@studio.example' } });
  return buildProviderRegistry(config.providers, { supportContact: config.support.contact });
}

function problems(providers: unknown[]): string[] {
  try {
    parseConfig({ providers });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('the provider registry', () => {
  it('lists providers in configuration order with their kind, name and password rule', () => {
    const r = registry([{ id: 'local', kind: 'local' }, { ...ldap, passwords: 'directory' }, google]);
    expect(r.entries).toEqual([
      { id: 'local', kind: 'local', displayName: 'Concierge account', passwords: 'local' },
      { id: 'studio-ldap', kind: 'ldap', displayName: 'Directory', passwords: 'directory' },
      {
        id: 'google',
        kind: 'oidc',
        displayName: 'Google',
        passwords: 'elsewhere',
        loginUrl: '/auth/oidc/google/start',
      },
    ]);
    expect(r.passwordProviders.map((p) => p.id)).toEqual(['studio-ldap']);
    expect(r.directory('studio-ldap')).not.toBeNull();
    expect(r.directory('google')).toBeNull();
  });

  it('defaults: LDAP creates users at first sign-in, OIDC only where configured; contacts fall back to support', () => {
    const r = registry([ldap, google]);
    expect(r.policy('studio-ldap')).toMatchObject({
      autoCreate: true,
      syncUsername: true,
      contact: 'support@studio.example',
    });
    expect(r.policy('google')).toMatchObject({ autoCreate: false, linkByEmail: false, syncUsername: false });
  });

  it('names the known providers when asked for an unknown one', () => {
    const r = registry([{ id: 'local', kind: 'local' }, ldap, google]);
    expect(() => r.get('nope')).toThrow(
      'unknown sign-in provider "nope"; configured providers: local, studio-ldap, google',
    );
    const error = (() => {
      try {
        r.redirect('studio-ldap');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('not_found');
    expect((error as DomainError).message).toContain('Known providers: google');
  });

  it('stops the boot for a provider that cannot work as configured', () => {
    expect(() => registry([{ ...ldap, tls: { caFile: '/nonexistent/ca.pem' } }])).toThrow(/tls\.caFile/);
    expect(() =>
      registry([{ ...ldap, url: 'ldap://x:389', startTls: false, userFilter: '(uid={identifier}))' }]),
    ).toThrow(/userFilter is not a valid LDAP filter/);
    expect(() => registry([{ ...ldap, startTls: true }])).toThrow(/startTls applies to ldap:\/\//);
    expect(() => registry([{ ...google, issuer: 'http://idp.studio.example' }])).toThrow(/must use https/);
  });
});

describe('provider configuration', () => {
  it('names each bad key of an LDAP or OIDC provider', () => {
    expect(problems([{ id: 'x', kind: 'ldap', url: 'http://x' }])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^providers\.0\.url: expected ldap:\/\/host:port/),
        expect.stringMatching(/^providers\.0\.bindDn: /),
        expect.stringMatching(/^providers\.0\.userBase: /),
      ]),
    );
    expect(problems([{ ...ldap, userFilter: 'uid=x' }])).toEqual([
      expect.stringMatching(
        /providers\.0\.userFilter: expected an LDAP filter in parentheses containing \{identifier\}/,
      ),
    ]);
    expect(problems([{ id: 'sso', kind: 'oidc', clientId: 'x' }])).toEqual([
      'providers.0.issuer: set issuer (or preset: google)',
    ]);
    expect(problems([{ ...google, allowedDomains: [] }])).toEqual([
      expect.stringMatching(/providers\.0\.allowedDomains/),
    ]);
    expect(problems([{ ...google, passwords: 'directory' }])).toEqual([
      expect.stringMatching(/providers\.0: unknown key\(s\) passwords/),
    ]);
  });
});

describe('the documented examples in config/examples/', () => {
  const env = {
    LDAP_BIND_PASSWORD: 'x',
    GOOGLE_CLIENT_ID: 'id',
    GOOGLE_CLIENT_SECRET: 'secret',
    OIDC_CLIENT_ID: 'id',
    OIDC_CLIENT_SECRET: 'secret',
  };
  const load = (name: string) =>
    loadConfig({
      ...env,
      CONCIERGE_CONFIG: fileURLToPath(new URL(`../../../config/examples/${name}`, import.meta.url)),
    });

  it.each([
    ['google.yaml', ['local', 'google']],
    ['oidc.yaml', ['local', 'studio-sso']],
  ])('%s is valid and builds its providers', (name, ids) => {
    const config = load(name);
    const r = buildProviderRegistry(config.providers, { supportContact: config.support.contact });
    expect(r.entries.map((e) => e.id)).toEqual(ids);
  });

  it('ldap.yaml is valid and needs only its CA file to exist', () => {
    const config = load('ldap.yaml');
    expect(() => buildProviderRegistry(config.providers, { supportContact: 'x' })).toThrow(
      'providers.studio-ldap.tls.caFile: /etc/concierge/studio-ca.pem cannot be read (ENOENT)',
    );
  });
});
