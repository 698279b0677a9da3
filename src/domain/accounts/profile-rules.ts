import { checkFieldsMessage, DomainError, type FieldIssue } from '../shared/errors.js';

// Letters, digits and . _ - in any script; starts with a letter or digit. Kept narrow so a username is
// safe in URLs, mentions and LDAP filters alike.
const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;
// Deliberately simple: one @, no spaces or control characters, a dot in the domain. The verification
// email is the real test of an address.
const EMAIL = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]{2,}$/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Returns a problem with a username, or null when it is acceptable. */
export function usernameProblem(username: string): string | null {
  const value = username.normalize('NFC');
  if (value.length < 2) return 'must be at least 2 characters';
  if (value.length > 64) return 'must be at most 64 characters';
  if (!USERNAME.test(value))
    return 'may hold letters, digits, dots, dashes and underscores, starting with a letter or digit';
  return null;
}

/** Returns a problem with an email address, or null when it looks deliverable. */
export function emailProblem(email: string): string | null {
  const value = email.normalize('NFC').trim();
  if (value.length > 254) return 'must be at most 254 characters';
  if (!EMAIL.test(value)) return 'must be an email address such as name@studio.example';
  return null;
}

/** Returns a problem with a first or last name, or null. Names may be empty. */
export function nameProblem(name: string): string | null {
  if (name.length > 100) return 'must be at most 100 characters';
  if (CONTROL.test(name)) return 'must not contain control characters';
  return null;
}

/** Trims and normalises a name. */
export function cleanName(name: string): string {
  return name.normalize('NFC').trim();
}

/** Throws one validation error listing every field that failed. */
export function assertNoIssues(issues: readonly FieldIssue[]): void {
  if (issues.length === 0) return;
  throw new DomainError('validation_failed', checkFieldsMessage(issues), { issues });
}
