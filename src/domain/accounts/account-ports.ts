import type { EmailLink } from '../mail/email-links.js';
import { newId } from '../shared/tokens.js';
import type { OneTimeToken, OneTimeTokenStore } from './first-admin.js';
import type { Preferences, Role, User } from './user.js';

/** Fields an update may change; absent ones stay as they are. */
export interface UserChanges {
  readonly username?: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly role?: Role;
  readonly disabled?: boolean;
  readonly preferences?: Preferences;
}

export interface UserListQuery {
  /** Matched against username, email and names, case-insensitively. */
  readonly search?: string;
  readonly limit: number;
  readonly offset: number;
}

/** A user found by a sign-in name, with their local password hash (null when they have none). */
export interface SignInCredentials {
  readonly user: User;
  readonly passwordHash: string | null;
}

/** Users as the account use cases read and change them (one store on both database engines). */
export interface AccountStore {
  findById(id: string): Promise<User | null>;
  /** The user and the `data` of their newest open token of `purpose`, in one read (GET /me). */
  findWithOpenToken(
    id: string,
    purpose: string,
    now: Date,
  ): Promise<{ user: User; tokenData: string | null } | null>;
  /** By username, email or a former username (alias), case-insensitively. */
  findBySignInName(identifier: string): Promise<User | null>;
  passwordHash(userId: string): Promise<string | null>;
  /**
   * `findBySignInName` and `passwordHash` in one statement whatever matches (a username, an email, an
   * alias or nothing), so a sign-in costs the database the same for every identifier.
   */
  findSignInCredentials(identifier: string): Promise<SignInCredentials | null>;
  setPasswordHash(userId: string, hash: string, now: Date): Promise<void>;
  /** Throws `username_taken` / `email_taken` when a unique key collides. */
  update(userId: string, changes: UserChanges, now: Date): Promise<User>;
  /** Active administrators; inside a transaction on PostgreSQL their rows are locked until commit. */
  lockActiveAdmins(): Promise<readonly string[]>;
  /** The user a former username points to, or null. */
  aliasOwner(usernameKey: string): Promise<string | null>;
  addAlias(userId: string, usernameKey: string, now: Date): Promise<void>;
  removeAlias(usernameKey: string): Promise<void>;
  aliases(userId: string): Promise<readonly string[]>;
  list(query: UserListQuery): Promise<{ items: readonly User[]; total: number }>;
}

/** One-time tokens with the look-ups the account flows need beyond consume. */
export interface AccountTokenStore extends OneTimeTokenStore {
  /** An unused, unexpired token, without using it up. */
  peek(tokenHash: string, purpose: string, now: Date): Promise<OneTimeToken | null>;
  /** Uses up every open token of the user for `purpose` (a new link replaces the old ones). */
  revokeAll(userId: string, purpose: string, now: Date): Promise<void>;
  /** The newest open token of the user for `purpose`. */
  latest(userId: string, purpose: string, now: Date): Promise<OneTimeToken | null>;
}

export const TOKEN_PURPOSE = {
  passwordReset: 'password-reset',
  emailVerify: 'email-verify',
  emailUndo: 'email-undo',
} as const;

/**
 * Reserves the token of an emailed link (single use, valid `validMs` from when the email is sent), after
 * using up the user's open tokens of the same purpose when `replaces` (a new link replaces the old). The
 * row gets a placeholder instead of a hash, one no token hashes to: the token itself is minted by the
 * delivery job (mintEmailLink), so it is never written anywhere, the outbox included. Returns the link
 * the email carries.
 */
export async function reserveLinkToken(
  tokens: Pick<AccountTokenStore, 'insert' | 'revokeAll'>,
  link: {
    purpose: string;
    userId: string;
    data: string | null;
    validMs: number;
    replaces: boolean;
    preferences: Pick<Preferences, 'timeZone' | 'locale'>;
  },
  now: Date,
): Promise<EmailLink> {
  const id = newId();
  // Open until the email has been sent for validMs; the job sets the real expiry when it mints.
  const expiresAt = new Date(now.getTime() + link.validMs);
  if (link.replaces) await tokens.revokeAll(link.userId, link.purpose, now);
  await tokens.insert(
    {
      tokenHash: `unsent:${id}`,
      purpose: link.purpose,
      userId: link.userId,
      data: link.data,
      expiresAt,
      linkId: id,
    },
    now,
  );
  return {
    id,
    validMs: link.validMs,
    preferences: { timeZone: link.preferences.timeZone, locale: link.preferences.locale },
  };
}
