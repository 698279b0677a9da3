import { identityKey } from '../../domain/accounts/user.js';
import type { ExternalIdentityStore } from '../../domain/auth/external-sign-in.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { Executor } from './database.js';
import { translateUserConflict } from './unique-violation.js';

/** Links of external accounts (provider + issuer + subject) to users, and the profile fields they sync. */
export function externalIdentitiesStore(db: Executor): ExternalIdentityStore {
  return {
    async findUserId(key) {
      const row = await db
        .selectFrom('external_identities')
        .select('user_id')
        .where('provider_id', '=', key.providerId)
        .where('issuer', '=', key.issuer)
        .where('subject', '=', key.subject)
        .executeTakeFirst();
      return row?.user_id ?? null;
    },
    async link(key, userId, now) {
      try {
        await db
          .insertInto('external_identities')
          .values({
            provider_id: key.providerId,
            issuer: key.issuer,
            subject: key.subject,
            user_id: userId,
            created_at: now.getTime(),
            last_sign_in_at: now.getTime(),
          })
          .execute();
      } catch (error) {
        // Two first sign-ins of one account at once: the other one won; its transaction holds the link.
        const e = error as { code?: string; message?: string };
        if (e.code === '23505' || /UNIQUE constraint failed/i.test(e.message ?? '')) {
          throw new DomainError('conflict', 'You were being signed in twice at once. Try again.', {
            cause: error,
          });
        }
        throw error;
      }
    },
    async touch(key, now) {
      await db
        .updateTable('external_identities')
        .set({ last_sign_in_at: now.getTime() })
        .where('provider_id', '=', key.providerId)
        .where('issuer', '=', key.issuer)
        .where('subject', '=', key.subject)
        .execute();
    },
    async findForUser(userId, providerId) {
      const row = await db
        .selectFrom('external_identities')
        .select(['provider_id', 'issuer', 'subject'])
        .where('user_id', '=', userId)
        .where('provider_id', '=', providerId)
        .executeTakeFirst();
      return row ? { providerId: row.provider_id, issuer: row.issuer, subject: row.subject } : null;
    },
    async refreshProfile(userId, fields, now) {
      try {
        await db
          .updateTable('users')
          .set({
            username: fields.username,
            username_key: identityKey(fields.username),
            email: fields.email,
            email_key: identityKey(fields.email),
            first_name: fields.firstName,
            last_name: fields.lastName,
            updated_at: now.getTime(),
          })
          .where('id', '=', userId)
          .execute();
      } catch (error) {
        throw translateUserConflict(error);
      }
    },
  };
}
