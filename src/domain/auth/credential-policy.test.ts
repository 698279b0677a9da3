import { describe, expect, it } from 'vitest';
import { credentialPolicy, credentialsHelp } from './credential-policy.js';

const support = { contact: 'your system administrator' };

describe('credentialPolicy', () => {
  it('lets a local account change and reset its password and edit its email and names', () => {
    const c = credentialPolicy({ id: 'local', kind: 'local', displayName: 'Concierge account' }, support);
    expect(c).toMatchObject({ changePassword: true, resetPassword: true, editEmail: true, editName: true });
    expect(credentialsHelp(c)).toBeUndefined();
  });

  it.each(['ldap', 'oidc', 'unknown'])(
    'sends a %s account to the provider contact for its password',
    (kind) => {
      const c = credentialPolicy(
        { id: 'x', kind, displayName: 'Studio directory', contact: 'IT, it@studio.example' },
        support,
      );
      expect(c).toMatchObject({
        changePassword: false,
        resetPassword: false,
        editEmail: false,
        editName: false,
      });
      expect(c.contact).toBe('IT, it@studio.example');
      expect(credentialsHelp(c)).toBe(
        'Your password is managed by Studio directory. To change or reset it, contact IT, it@studio.example.',
      );
    },
  );

  it('falls back to support.contact when the provider names no contact', () => {
    const c = credentialPolicy({ id: 'google', kind: 'oidc', displayName: 'Google' }, support);
    expect(c.contact).toBe('your system administrator');
  });
});
