import type { Preferences } from '../accounts/user.js';
import { formatExactWithZone } from '../notifications/date-format.js';
import { generateToken, hashToken } from '../shared/tokens.js';
import type { OutgoingEmail } from './email.js';

/**
 * The one-time link of an account email. The outbox row holds this, never the token: the token is
 * minted when the email is sent (only its hash is written, to the reserved one_time_tokens row), so no
 * copy of the database, taken while the email waits, is retried or after it went out, yields a usable
 * link. Minting at delivery also makes the expiry the email states count from when it was sent.
 */
export interface EmailLink {
  /** The one_time_tokens row reserved for this link, with the change that caused the email. */
  readonly id: string;
  readonly validMs: number;
  /** The recipient's zone and locale: the email states until when the link works. */
  readonly preferences: Pick<Preferences, 'timeZone' | 'locale'>;
}

/** Writes the hash of a freshly minted token to a reserved link; false when it is no longer open. */
export interface LinkMinter {
  mint(linkId: string, tokenHash: string, expiresAt: Date): Promise<boolean>;
}

/** The templates with a link, and the fields the link (its URL without the token value) and expiry go in. */
const LINK_FIELDS = {
  'password-reset': 'resetUrl',
  invitation: 'setPasswordUrl',
  'email-verify': 'verifyUrl',
  'email-changed': 'undoUrl',
} as const;

type LinkTemplate = keyof typeof LINK_FIELDS;

/** The templates whose emails carry a one-time link. */
export const LINK_TEMPLATES = Object.keys(LINK_FIELDS) as readonly LinkTemplate[];

/** True for an email whose link must be minted when it is sent. */
export function carriesLink(email: OutgoingEmail): email is OutgoingEmail & { template: LinkTemplate } {
  return email.template in LINK_FIELDS && email.link !== undefined;
}

/**
 * Mints the token of an email's link as it is sent and fills it in with the time it stops working. Each
 * attempt mints anew (a retry replaces the token of the attempt before). A link replaced or used before
 * the email went out gets a token nobody stored: the email still arrives, and its link does not work,
 * as an email whose link was replaced after it was sent.
 */
export async function mintEmailLink(
  minter: LinkMinter,
  email: OutgoingEmail,
  now: Date,
): Promise<OutgoingEmail> {
  if (!carriesLink(email) || !email.link) return email;
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + email.link.validMs);
  await minter.mint(email.link.id, hashToken(token), expiresAt);
  const field = LINK_FIELDS[email.template];
  // Every link template has a string URL field (LINK_FIELDS) and a string `validUntil`.
  const data = email.data as unknown as Record<string, unknown>;
  const filled = {
    ...data,
    [field]: `${String(data[field])}${token}`,
    validUntil: formatExactWithZone(expiresAt, email.link.preferences),
  };
  return { ...email, data: filled } as unknown as OutgoingEmail;
}
