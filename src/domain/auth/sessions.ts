import type { User } from '../accounts/user.js';
import type { Clock } from '../shared/clock.js';
import { generateToken, hashToken } from '../shared/tokens.js';

// The Lucia guide's scheme: 20 random bytes in base32 as the token, its SHA-256 as the id.
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 30 * DAY;
const RENEW_WHEN_LEFT_MS = 15 * DAY;
// last_seen_at is written at most this often, so reading a session rarely writes.
const TOUCH_EVERY_MS = 60_000;

export interface Session {
  /** SHA-256 of the token (hex); the token itself is never stored. */
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastSeenAt: Date;
  readonly userAgent: string | null;
  readonly ip: string | null;
}

export interface SessionStore {
  insert(session: Session): Promise<void>;
  /** The session and its user, or null. */
  findWithUser(id: string): Promise<{ session: Session; user: User } | null>;
  touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  delete(id: string): Promise<void>;
  /** Ends every session of the user except `keepId`. */
  deleteAllForUser(userId: string, keepId?: string): Promise<void>;
  /** The user's unexpired sessions, most recently seen first. */
  listForUser(userId: string, now: Date): Promise<Session[]>;
}

/** Starts a session; returns the token for the cookie (shown to nobody else, never stored). */
export async function createSession(
  deps: { sessions: SessionStore; clock: Clock },
  userId: string,
  meta: { userAgent: string | null; ip: string | null },
): Promise<{ token: string; session: Session }> {
  const token = generateToken();
  const now = deps.clock();
  const session: Session = {
    id: hashToken(token),
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    lastSeenAt: now,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    ip: meta.ip,
  };
  await deps.sessions.insert(session);
  return { token, session };
}

/**
 * Resolves a session token to its session and user. Expired sessions and disabled users give null
 * (and the session is deleted). Less than 15 days left: extended to 30 days.
 */
export async function validateSessionToken(
  deps: { sessions: SessionStore; clock: Clock },
  token: string,
): Promise<{ session: Session; user: User; renewed: boolean } | null> {
  if (token.length === 0 || token.length > 100) return null;
  const found = await deps.sessions.findWithUser(hashToken(token));
  if (!found) return null;
  const now = deps.clock().getTime();
  const { session, user } = found;
  if (session.expiresAt.getTime() <= now || user.disabled) {
    await deps.sessions.delete(session.id);
    return null;
  }
  const renew = session.expiresAt.getTime() - now < RENEW_WHEN_LEFT_MS;
  if (renew || now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const expiresAt = renew ? new Date(now + SESSION_TTL_MS) : session.expiresAt;
    await deps.sessions.touch(session.id, new Date(now), expiresAt);
    return { session: { ...session, expiresAt, lastSeenAt: new Date(now) }, user, renewed: renew };
  }
  return { session, user, renewed: false };
}
