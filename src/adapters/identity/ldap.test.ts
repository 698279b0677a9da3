import { describe, expect, it } from 'vitest';
import { directoryBase } from './ldap.js';

describe('directoryBase (the issuer of directory accounts)', () => {
  it.each([
    ['ou=people,dc=studio,dc=example', 'dc=studio,dc=example'],
    ['OU=Staff, OU=Paris, DC=Corp, DC=Example', 'dc=corp,dc=example'],
    ['dc=studio,dc=example', 'dc=studio,dc=example'],
    ['ou=people,o=studio', 'ou=people,o=studio'],
    ['ou=a\\,b,dc=x', 'dc=x'],
  ])('%s gives %s', (userBase, expected) => {
    expect(directoryBase(userBase)).toBe(expected);
  });
});
