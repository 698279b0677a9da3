import { generateToken } from '../shared/tokens.js';
import type { IncomingEvent } from './ingest-ports.js';

/** The catalog types of the security notices Concierge raises itself. */
export const SECURITY_TYPES = {
  newSignIn: 'security.new-sign-in',
  credentialsChanged: 'security.credentials-changed',
  apiKeyCreated: 'security.api-key-created',
} as const;

/** What changed about how the account signs in, for `security.credentials-changed`. */
export type CredentialChange = 'password-changed' | 'password-reset' | 'email-changed' | 'email-restored';

/** Security notices Concierge raises itself, through the `security.*` notification types. */
export interface SecurityNotices {
  /** Tells the user about a sign-in from a browser not seen before. Never throws. */
  newSignIn(userId: string, at: Date, meta: { ip: string | null; userAgent: string | null }): Promise<void>;
  /** Files a password or email change in the user's inbox (its email is the account notice). Never throws. */
  credentialsChanged(userId: string, at: Date, change: CredentialChange): Promise<void>;
  /** Files a new API key in the user's inbox (its email is the account notice). Never throws. */
  apiKeyCreated(userId: string, at: Date, keyName: string): Promise<void>;
}

/** The event Concierge raises for itself when `userId` signs in from a browser not seen before. */
export function newSignInEvent(
  userId: string,
  at: Date,
  meta: { ip: string | null; userAgent: string | null },
  accountUrl: string,
): IncomingEvent {
  const browser = meta.userAgent ? meta.userAgent.slice(0, 300) : 'a browser that did not name itself';
  const address = meta.ip ? ` from the address ${meta.ip}` : '';
  return notice(SECURITY_TYPES.newSignIn, userId, at, accountUrl, {
    title: 'Your account was signed in to from a new browser',
    body:
      `Your account was signed in to${address} in a browser not used for it before: ${browser}.\n\n` +
      'If that was you, there is nothing to do. If not, change your password now and sign out the ' +
      'other sessions on your account page.',
  });
}

const CHANGES: Record<CredentialChange, { title: string; body: string }> = {
  'password-changed': {
    title: 'Your password was changed',
    body: 'Your other sessions were signed out. If you did not do this, reset your password now.',
  },
  'password-reset': {
    title: 'Your password was set with an emailed link',
    body: 'Every session was signed out. If you did not do this, reset your password now.',
  },
  'email-changed': {
    title: 'Your email address was changed',
    body: 'Emails now go to the new address. The previous address was sent a link to undo the change.',
  },
  'email-restored': {
    title: 'Your previous email address is back',
    body: 'A change of your email address was undone and every session was signed out.',
  },
};

/** The inbox entry of a password or email change; the email about it is the account notice. */
export function credentialsChangedEvent(
  userId: string,
  at: Date,
  change: CredentialChange,
  accountUrl: string,
): IncomingEvent {
  return {
    ...notice(SECURITY_TYPES.credentialsChanged, userId, at, accountUrl, CHANGES[change]),
    inboxOnly: true,
  };
}

/** The inbox entry of a new API key; the email about it is the account notice. */
export function apiKeyCreatedEvent(
  userId: string,
  at: Date,
  keyName: string,
  keysUrl: string,
): IncomingEvent {
  return {
    ...notice(SECURITY_TYPES.apiKeyCreated, userId, at, keysUrl, {
      title: `A personal API key named "${keyName.slice(0, 100)}" was created`,
      body: 'If you did not create it, revoke it on your API keys page and change your password.',
    }),
    inboxOnly: true,
  };
}

function notice(
  type: string,
  userId: string,
  at: Date,
  url: string,
  text: { title: string; body: string },
): IncomingEvent {
  return {
    type,
    recipients: [userId],
    ...text,
    url,
    actor: null,
    occurredAt: at,
    // A random part: two notices in the same millisecond are two notices, not one key with two contents.
    idempotencyKey: `concierge:${type}:${userId}:${at.getTime()}:${generateToken(10)}`,
  };
}
