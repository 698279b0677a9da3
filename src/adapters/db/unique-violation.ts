import { DomainError } from '../../domain/shared/errors.js';

/**
 * Translates a unique-constraint failure on a users key into our error; other errors pass through.
 * SQLite names the column ("UNIQUE constraint failed: users.email_key"); PostgreSQL the constraint
 * ("users_email_key_key", code 23505).
 */
export function translateUserConflict(error: unknown): unknown {
  const e = error as { code?: string; constraint?: string; message?: string };
  const text = `${e.constraint ?? ''} ${e.message ?? ''}`;
  const unique = e.code === '23505' || /UNIQUE constraint failed/i.test(e.message ?? '');
  if (!unique) return error;
  if (text.includes('username_key')) {
    return new DomainError('username_taken', 'This username is already taken. Choose another.', {
      cause: error,
    });
  }
  if (text.includes('email_key')) {
    return new DomainError('email_taken', 'Another account already uses this email address.', {
      cause: error,
    });
  }
  return error;
}
