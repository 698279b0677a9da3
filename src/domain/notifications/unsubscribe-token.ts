import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';

/**
 * An email stream a user can leave in one click: the immediate emails of one notification type, or
 * the digest. Each stream has its own token, so unsubscribing from one leaves the others alone.
 */
export type EmailStream = { readonly kind: 'type'; readonly type: string } | { readonly kind: 'digest' };

/** Keyed MAC over a string (HMAC-SHA-256 with the server's secret); the adapter holds the key. */
export interface Signer {
  mac(data: string): Uint8Array;
}

const VERSION = 'u1';
const utf8 = new TextEncoder();

function payloadOf(userId: string, stream: EmailStream): string {
  return `${VERSION}|${userId}|${stream.kind === 'digest' ? 'digest' : `type:${stream.type}`}`;
}

/** An opaque, URL-safe token naming one user and one stream, signed so it cannot be altered. */
export function signUnsubscribeToken(signer: Signer, userId: string, stream: EmailStream): string {
  const payload = payloadOf(userId, stream);
  const bytes = utf8.encode(payload);
  return `${encodeBase64urlNoPadding(bytes)}.${encodeBase64urlNoPadding(signer.mac(payload))}`;
}

/** The user and stream of a token, or null when it is malformed or its signature does not match. */
export function verifyUnsubscribeToken(
  signer: Signer,
  token: string,
): { userId: string; stream: EmailStream } | null {
  if (token.length > 600) return null;
  const [encoded, signature, ...rest] = token.split('.');
  if (!encoded || !signature || rest.length > 0) return null;
  let payload: string;
  let presented: Uint8Array;
  try {
    payload = new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64urlIgnorePadding(encoded));
    presented = decodeBase64urlIgnorePadding(signature);
  } catch {
    return null;
  }
  const expected = signer.mac(payload);
  if (presented.length !== expected.length || !constantTimeEqual(presented, expected)) return null;
  const [version, userId, stream, ...more] = payload.split('|');
  if (version !== VERSION || !userId || !stream || more.length > 0) return null;
  if (stream === 'digest') return { userId, stream: { kind: 'digest' } };
  if (stream.startsWith('type:') && stream.length > 5) {
    return { userId, stream: { kind: 'type', type: stream.slice(5) } };
  }
  return null;
}
