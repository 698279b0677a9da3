import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Client, ResultCodeError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LdapProviderConfig, ldapProvider } from '../../src/adapters/identity/ldap.js';
import { passwordModify } from '../../src/adapters/identity/ldap-password-modify.js';
import { providerSchema } from '../../src/config/schema.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import {
  addPerson,
  baseDn,
  ldapProviderConfig,
  people,
  removeFromGroup,
  type Slapd,
  startSlapd,
} from '../support/slapd.js';

let slapd: Slapd & { dispose(): Promise<void> };
beforeAll(async () => {
  slapd = await startSlapd();
});
afterAll(() => slapd?.dispose());

function config(overrides: Record<string, unknown> = {}): LdapProviderConfig {
  return providerSchema.parse(
    ldapProviderConfig(slapd, { passwords: 'directory', ...overrides }),
  ) as LdapProviderConfig;
}

const provider = (overrides: Record<string, unknown> = {}) =>
  ldapProvider(config(overrides), { contact: 'IT helpdesk' });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
}

describe('LDAP sign-in', () => {
  it('signs in a user by uid or by email, in any OU, with their mapped attributes', async () => {
    const ldap = provider();
    const byUid = await ldap.verify('alice', people.alice.password);
    expect(byUid).toMatchObject({
      providerId: 'studio-ldap',
      issuer: baseDn,
      username: 'alice',
      email: 'alice@studio.example',
      emailVerified: true,
      firstName: 'Alice',
      lastName: 'Martin',
    });
    expect(byUid?.subject).toMatch(/^[0-9a-f-]{36}$/);
    const byMail = await ldap.verify('BOB@studio.example', people.bob.password);
    expect(byMail?.username).toBe('bob');
  });

  it('reads non-ASCII names stored in base64 LDIF', async () => {
    const identity = await provider().verify('zoe', people.zoe.password);
    expect(identity).toMatchObject({ firstName: 'Zoé', lastName: 'Lefèvre-Ødegård' });
  });

  it('signs in a uid that holds LDAP filter syntax as exactly itself', async () => {
    const identity = await provider().verify(people.special.uid, people.special.password);
    expect(identity?.username).toBe(people.special.uid);
    expect(identity?.email).toBe('ops@studio.example');
  });

  it('refuses a wrong password, an empty password and an unknown user alike', async () => {
    const ldap = provider();
    expect(await ldap.verify('alice', 'not-her-password')).toBeNull();
    // An empty password is an unauthenticated bind, which the directory would accept.
    expect(await ldap.verify('alice', '')).toBeNull();
    expect(await ldap.verify('nobody', 'whatever-secret')).toBeNull();
  });

  it.each([
    ['*', '*'],
    ['*)(uid=*', '*)(uid=*'],
    ['admin)(|(uid=*', 'admin)(|(uid=*'],
    ['admin*', 'admin*'],
    ['adm*n', 'adm*n'],
    ['admin followed by NUL', 'admin\u0000'],
    ['NUL', '\u0000'],
    ['10 kB', 'a'.repeat(10_240)],
    ['(uid=admin)', '(uid=admin)'],
    ['admin\\2a', 'admin\\2a'],
  ])('never lets the hostile identifier %s match another user', async (_label, identifier) => {
    const ldap = provider();
    // With the admin's real password: a filter injection would sign in as the admin.
    expect(await ldap.verify(identifier, people.admin.password)).toBeNull();
    expect(await ldap.verify(identifier, people.alice.password)).toBeNull();
  });

  it('refuses a directory user outside the configured group', async () => {
    expect(await provider().verify('carol', people.carol.password)).toBeNull();
    // Without a group gate the same user may sign in.
    expect(await provider({ group: undefined }).verify('carol', people.carol.password)).not.toBeNull();
  });

  it('refuses a user removed from the group or from the directory', async () => {
    const ldap = provider();
    const leaver = await addPerson(slapd, { uid: 'leaver', password: 'leaver-secret-1' });
    const gone = await addPerson(slapd, { uid: 'gone', ou: 'engineers', password: 'gone-secret-12' });
    expect(await ldap.verify('leaver', leaver.password)).not.toBeNull();
    expect(await ldap.verify('gone', gone.password)).not.toBeNull();
    await removeFromGroup(slapd, leaver.dn);
    await removeFromGroup(slapd, gone.dn);
    await slapd.asRoot((c) => c.del(gone.dn));
    expect(await ldap.verify('leaver', leaver.password)).toBeNull();
    expect(await ldap.verify('gone', gone.password)).toBeNull();
  });

  it('answers provider_unavailable while the directory is down and recovers without a restart', async () => {
    const ldap = provider();
    await slapd.stop();
    try {
      const error = await ldap.verify('alice', people.alice.password).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('provider_unavailable');
      expect((error as DomainError).message).toContain('Studio directory cannot be reached');
      expect((error as DomainError).message).toContain('IT helpdesk');
    } finally {
      await slapd.start();
    }
    expect((await ldap.verify('alice', people.alice.password))?.username).toBe('alice');
  });

  it('gives up with provider_unavailable on a directory that accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const ldap = provider({ url: `ldap://127.0.0.1:${port}`, timeoutMs: 200, connectTimeoutMs: 200 });
      expect(await codeOf(ldap.verify('alice', people.alice.password))).toBe('provider_unavailable');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('answers provider_unavailable when the service account is refused', async () => {
    expect(await codeOf(provider({ bindPassword: 'wrong' }).verify('alice', people.alice.password))).toBe(
      'provider_unavailable',
    );
  });

  it('connects with ldaps:// and with StartTLS, trusting the configured CA only', async () => {
    const tls = { caFile: slapd.caFile };
    const ldaps = provider({ url: slapd.ldapsUrl, tls });
    expect((await ldaps.verify('alice', people.alice.password))?.username).toBe('alice');
    const startTls = provider({ startTls: true, tls });
    expect((await startTls.verify('alice', people.alice.password))?.username).toBe('alice');
    // The test CA is not among the system's: without caFile the certificate is refused.
    expect(await codeOf(provider({ url: slapd.ldapsUrl }).verify('alice', people.alice.password))).toBe(
      'provider_unavailable',
    );
  });

  it('stops the boot when the CA file cannot be read or the filter is invalid', () => {
    expect(() => provider({ startTls: true, tls: { caFile: '/nonexistent/ca.pem' } })).toThrow(
      /tls\.caFile: \/nonexistent\/ca\.pem cannot be read/,
    );
    expect(() => provider({ userFilter: '(uid={identifier}))' })).toThrow(/not a valid LDAP filter/);
  });
});

describe('LDAP password change (RFC 3062, bound as the user)', () => {
  it('changes the password in the directory: the new one works, the old one no longer does', async () => {
    const ldap = provider();
    const user = await addPerson(slapd, { uid: 'changer', password: 'changer-old-1' });
    const identity = await ldap.verify('changer', user.password);
    await ldap.changePassword(identity!.subject, user.password, 'changer-new-password-2');
    expect(await ldap.verify('changer', 'changer-new-password-2')).not.toBeNull();
    expect(await ldap.verify('changer', user.password)).toBeNull();
  });

  it('refuses a wrong current password with current_password_incorrect', async () => {
    const ldap = provider();
    const user = await addPerson(slapd, { uid: 'forgetful', password: 'forgetful-pw-1' });
    const identity = await ldap.verify('forgetful', user.password);
    expect(await codeOf(ldap.changePassword(identity!.subject, 'not-the-current', 'a-new-password-3'))).toBe(
      'current_password_incorrect',
    );
    expect(await ldap.verify('forgetful', user.password)).not.toBeNull();
  });

  it('gets code 53 from the directory for a wrong old password inside the operation', async () => {
    const user = await addPerson(slapd, { uid: 'raw53', password: 'raw53-secret-1' });
    const client = new Client({ url: slapd.url });
    try {
      await client.bind(user.dn, user.password);
      const error = await passwordModify(client, {
        userDn: user.dn,
        oldPassword: 'wrong-old-password',
        newPassword: 'whatever-new-pw-9',
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResultCodeError);
      expect((error as ResultCodeError).code).toBe(53);
    } finally {
      await client.unbind();
    }
  });

  it('turns the directory policy refusal into password_policy with its reason', async () => {
    const ldap = provider();
    const user = await addPerson(slapd, { uid: 'shorty', password: 'shorty-secret-1' });
    const identity = await ldap.verify('shorty', user.password);
    const error = await ldap
      .changePassword(identity!.subject, user.password, 'short')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('password_policy');
    expect((error as DomainError).message).toMatch(/Studio directory refused the new password/);
    expect(await ldap.verify('shorty', user.password)).not.toBeNull();
  });

  it('answers provider_unavailable for a password change while the directory is down', async () => {
    const ldap = provider();
    const identity = await ldap.verify('alice', people.alice.password);
    await slapd.stop();
    try {
      expect(
        await codeOf(ldap.changePassword(identity!.subject, people.alice.password, 'alice-new-pass-99')),
      ).toBe('provider_unavailable');
    } finally {
      await slapd.start();
    }
  });
});
