import { BerReader } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { passwordModifyValue } from './ldap-password-modify.js';

describe('passwordModifyValue (RFC 3062 PasswdModifyRequestValue)', () => {
  it('encodes userIdentity [0], oldPasswd [1] and newPasswd [2] in one SEQUENCE, as UTF-8', () => {
    const value = passwordModifyValue({
      userDn: 'uid=zoé,ou=people,dc=studio,dc=example',
      oldPassword: 'old-ø',
      newPassword: 'new-密码',
    });
    const reader = new BerReader(value);
    expect(reader.readSequence()).toBe(0x30);
    expect(reader.readString(0x80)).toBe('uid=zoé,ou=people,dc=studio,dc=example');
    expect(reader.readString(0x81)).toBe('old-ø');
    expect(reader.readString(0x82)).toBe('new-密码');
    expect(reader.remain).toBe(0);
  });

  it('encodes long values with multi-byte lengths', () => {
    const long = 'p'.repeat(300);
    const reader = new BerReader(
      passwordModifyValue({ userDn: 'uid=a', oldPassword: long, newPassword: long }),
    );
    reader.readSequence();
    reader.readString(0x80);
    expect(reader.readString(0x81)).toBe(long);
    expect(reader.readString(0x82)).toBe(long);
  });
});
