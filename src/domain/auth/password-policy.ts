import { identityKey } from '../accounts/user.js';
import { DomainError } from '../shared/errors.js';

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
}

export const defaultPasswordPolicy: PasswordPolicy = { minLength: 12, maxLength: 256 };

/** Every rule the password breaks, as sentences for the person choosing it (empty when it is fine). */
export function passwordProblems(
  password: string,
  policy: PasswordPolicy,
  context: { username?: string; email?: string } = {},
): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < policy.minLength) problems.push(`Use at least ${policy.minLength} characters.`);
  if (length > policy.maxLength) problems.push(`Use at most ${policy.maxLength} characters.`);
  const key = identityKey(password);
  if (context.username && key === identityKey(context.username)) problems.push('Do not use your username.');
  if (context.email && key === identityKey(context.email)) problems.push('Do not use your email address.');
  return problems;
}

/** Throws `password_policy` listing every broken rule. */
export function assertPasswordAllowed(
  password: string,
  policy: PasswordPolicy,
  context: { username?: string; email?: string } = {},
): void {
  const problems = passwordProblems(password, policy, context);
  if (problems.length > 0) {
    throw new DomainError('password_policy', `Choose another password. ${problems.join(' ')}`, {
      issues: problems.map((message) => ({ field: 'password', message })),
    });
  }
}
