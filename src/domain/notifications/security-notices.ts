import { generateToken } from '../shared/tokens.js';
import type { IncomingEvent } from './ingest-ports.js';

/** The catalog type of the notice of a sign-in from a browser not seen before. */
export const NEW_SIGN_IN_TYPE = 'security.new-sign-in';

/** The event Concierge raises for itself when `userId` signs in from a browser not seen before. */
export function newSignInEvent(
  userId: string,
  at: Date,
  meta: { ip: string | null; userAgent: string | null },
  accountUrl: string,
): IncomingEvent {
  const browser = meta.userAgent ? meta.userAgent.slice(0, 300) : 'a browser that did not name itself';
  const address = meta.ip ? ` from the address ${meta.ip}` : '';
  return {
    type: NEW_SIGN_IN_TYPE,
    recipients: [userId],
    title: 'Your account was signed in to from a new browser',
    body:
      `Your account was signed in to${address} in a browser not used for it before: ${browser}.\n\n` +
      'If that was you, there is nothing to do. If not, change your password now and sign out the ' +
      'other sessions on your account page.',
    url: accountUrl,
    actor: null,
    occurredAt: at,
    // A random part: two sign-ins in the same millisecond are two notices, not one key with two contents.
    idempotencyKey: `concierge:${NEW_SIGN_IN_TYPE}:${userId}:${at.getTime()}:${generateToken(10)}`,
  };
}
