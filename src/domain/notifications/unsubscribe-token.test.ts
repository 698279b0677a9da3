import { createHmac } from 'node:crypto';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { type Signer, signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.js';

const signer = (key: string): Signer => ({ mac: (data) => createHmac('sha256', key).update(data).digest() });
const s = signer('k1');

describe('unsubscribe tokens', () => {
  it('name the user and the stream they were made for', () => {
    const token = signUnsubscribeToken(s, 'user-1', { kind: 'type', type: 'task.assigned' });
    expect(verifyUnsubscribeToken(s, token)).toEqual({
      userId: 'user-1',
      stream: { kind: 'type', type: 'task.assigned' },
    });
    const digest = signUnsubscribeToken(s, 'user-1', { kind: 'digest' });
    expect(verifyUnsubscribeToken(s, digest)).toEqual({ userId: 'user-1', stream: { kind: 'digest' } });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('cannot be turned into another user’s or another stream’s token', () => {
    const token = signUnsubscribeToken(s, 'user-1', { kind: 'type', type: 'task.assigned' });
    const [, signature] = token.split('.');
    for (const payload of ['u1|user-2|type:task.assigned', 'u1|user-1|digest', 'u1|user-1|type:mention']) {
      const forged = `${encodeBase64urlNoPadding(new TextEncoder().encode(payload))}.${signature}`;
      expect(verifyUnsubscribeToken(s, forged)).toBeNull();
    }
  });

  it('refuses a token signed with another key, a flipped signature bit, and junk', () => {
    const token = signUnsubscribeToken(s, 'user-1', { kind: 'digest' });
    expect(verifyUnsubscribeToken(signer('k2'), token)).toBeNull();
    const [payload, signature] = token.split('.') as [string, string];
    const bytes = decodeBase64urlIgnorePadding(signature);
    bytes[0]! ^= 1;
    expect(verifyUnsubscribeToken(s, `${payload}.${encodeBase64urlNoPadding(bytes)}`)).toBeNull();
    for (const junk of ['', '.', 'abc', 'a.b.c', `${payload}.`, '%%%.%%%', 'x'.repeat(5000)]) {
      expect(verifyUnsubscribeToken(s, junk)).toBeNull();
    }
  });
});
