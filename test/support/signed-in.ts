import { sessionsStore } from '../../src/adapters/db/sessions-store.js';
import { usersStore } from '../../src/adapters/db/users-store.js';
import { defaultPreferences, type User } from '../../src/domain/accounts/user.js';
import { createSession } from '../../src/domain/auth/sessions.js';
import { newId } from '../../src/domain/shared/tokens.js';
import type { testApp } from './test-app.js';

type App = Awaited<ReturnType<typeof testApp>>;

/**
 * A user inserted straight into the store (any provider, any role) and a session for them, without
 * going through sign-in: `cookie` goes in the Cookie header, `token` is the session token itself.
 */
export async function signedInUser(app: App, over: Partial<User> = {}) {
  const s = Math.random().toString(36).slice(2, 10);
  const now = new Date();
  const user: User = {
    id: newId(),
    username: `user-${s}`,
    email: `user-${s}@studio.example`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    role: 'user',
    disabled: false,
    providerId: 'local',
    avatarKey: null,
    preferences: defaultPreferences,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
  await usersStore(app.db.kysely).insert(user, null);
  const { token, session } = await createSession(
    { sessions: sessionsStore(app.db.kysely), clock: () => new Date() },
    user.id,
    { userAgent: 'vitest', ip: null },
  );
  return { user, token, session, cookie: `concierge_session=${token}` };
}
