import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { hashToken } from '../shared/tokens.js';
import type { Session, SessionStore } from './sessions.js';

/** A session as its owner sees it: an id safe to show (not the stored token hash). */
export interface SessionView {
  readonly id: string;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly current: boolean;
}

type Deps = {
  readonly sessions: Pick<SessionStore, 'listForUser' | 'delete' | 'deleteAllForUser'>;
  readonly clock: Clock;
};

/** The id shown for a session: derived from the stored hash so the hash itself never leaves the server. */
export function publicSessionId(sessionId: string): string {
  return hashToken(`session-view:${sessionId}`).slice(0, 32);
}

function view(session: Session, currentId: string | undefined): SessionView {
  return {
    id: publicSessionId(session.id),
    userAgent: session.userAgent,
    ip: session.ip,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    expiresAt: session.expiresAt,
    current: session.id === currentId,
  };
}

/** The signed-in user's sessions, the current one marked. */
export async function listMySessions(deps: Deps, userId: string, currentId: string | undefined) {
  const sessions = await deps.sessions.listForUser(userId, deps.clock());
  return sessions.map((s) => view(s, currentId));
}

/** Ends one of the user's own sessions; another user's id answers as if it did not exist. */
export async function endMySession(deps: Deps, userId: string, publicId: string): Promise<void> {
  const sessions = await deps.sessions.listForUser(userId, deps.clock());
  const target = sessions.find((s) => publicSessionId(s.id) === publicId);
  if (!target) throw new DomainError('not_found', 'There is no such session. It may have ended already.');
  await deps.sessions.delete(target.id);
}

/** Ends every session of the user except the current one. */
export async function endOtherSessions(deps: Deps, userId: string, currentId: string | undefined) {
  await deps.sessions.deleteAllForUser(userId, currentId);
}
