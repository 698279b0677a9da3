import type { Selectable } from 'kysely';
import type { User } from '../../domain/accounts/user.js';
import { identityKey } from '../../domain/accounts/user.js';
import type { UsersTable } from './schema.js';

/** A users row as the domain's User. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    disabled: row.disabled === 1,
    providerId: row.provider_id,
    avatarKey: row.avatar_key,
    preferences: { fuzzyDates: row.fuzzy_dates === 1, timeZone: row.time_zone, locale: row.locale },
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** The domain's User as a users row. */
export function toUserRow(user: User): Selectable<UsersTable> {
  return {
    id: user.id,
    username: user.username,
    username_key: identityKey(user.username),
    email: user.email,
    email_key: identityKey(user.email),
    first_name: user.firstName,
    last_name: user.lastName,
    role: user.role,
    disabled: user.disabled ? 1 : 0,
    provider_id: user.providerId,
    avatar_key: user.avatarKey,
    fuzzy_dates: user.preferences.fuzzyDates ? 1 : 0,
    time_zone: user.preferences.timeZone,
    locale: user.preferences.locale,
    created_at: user.createdAt.getTime(),
    updated_at: user.updatedAt.getTime(),
  };
}
