import { defaultPreferences, type User } from '../../src/domain/accounts/user.js';
import { newId } from '../../src/domain/shared/tokens.js';

/** A local user row with a unique username and email, for store suites; `over` sets any field. */
export function aUser(over: Partial<User> = {}, createdAt = new Date(Date.UTC(2026, 0, 15, 9, 0, 0))): User {
  const s = Math.random().toString(36).slice(2, 10);
  return {
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
    createdAt,
    updatedAt: createdAt,
    ...over,
  };
}
