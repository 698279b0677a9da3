import { describe, expect, it } from 'vitest';
import { credentialPolicy, credentialsHelp } from './credential-policy.js';

const support = { contact: 'your system administrator' };

describe('the credential policy per provider', () => {
  it('lets LDAP users with passwords: directory change their password here, but not reset it or edit synced fields', () => {
    const caps = credentialPolicy(
      {
        id: 'ldap',
        kind: 'ldap',
        displayName: 'Studio directory',
        passwords: 'directory',
        contact: 'IT helpdesk',
      },
      support,
    );
    expect(caps).toMatchObject({
      changePassword: true,
      resetPassword: false,
      editEmail: false,
      editName: false,
    });
    expect(credentialsHelp(caps)).toBe(
      'Your password is kept by Studio directory. You can change it here; if you forget it, contact IT helpdesk.',
    );
  });

  it.each([
    [
      'an LDAP directory that keeps passwords to itself',
      { kind: 'ldap', passwords: 'contact-admin' as const },
    ],
    ['Google', { kind: 'oidc' }],
    ['a provider no longer configured', { kind: 'unknown' }],
  ])('sends users of %s to their contact for password changes and resets', (_label, over) => {
    const caps = credentialPolicy({ id: 'p', displayName: 'Elsewhere', ...over }, support);
    expect(caps).toMatchObject({
      changePassword: false,
      resetPassword: false,
      editEmail: false,
      editName: false,
    });
    expect(credentialsHelp(caps)).toBe(
      'Your password is managed by Elsewhere. To change or reset it, contact your system administrator.',
    );
  });

  it('a directory password rule has no effect on non-LDAP providers', () => {
    const caps = credentialPolicy(
      { id: 'g', kind: 'oidc', displayName: 'Google', passwords: 'directory' },
      support,
    );
    expect(caps.changePassword).toBe(false);
  });
});
