import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { identityKey } from '../accounts/user.js';
import { DomainError } from '../shared/errors.js';

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  /** zxcvbn score (0–4) a new password must reach; 0 turns the strength check off. */
  readonly minStrength?: number;
}

/** DESIGN.md's defaults; administrators change them under `auth.password` (never below 8). */
export const defaultPasswordPolicy: PasswordPolicy = { minLength: 12, maxLength: 256, minStrength: 3 };

// Only the dictionaries, not the l33t-heavy options: building them costs ~100 ms once, so lazily.
let zxcvbn: ZxcvbnFactory | undefined;
function strengthChecker(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  });
  return zxcvbn;
}

const strengthWords = ['anything', 'weak', 'fair', 'strong', 'very strong'];

/** The rules in words, for pages that show them before submit. */
export function describePolicy(policy: PasswordPolicy): string[] {
  const rules = [
    `Use between ${policy.minLength} and ${policy.maxLength} characters.`,
    'Do not use your username or email address.',
  ];
  const min = policy.minStrength ?? 0;
  if (min > 0)
    rules.push(
      `Make it hard to guess (at least "${strengthWords[min]}"): avoid common words, names, dates and keyboard patterns.`,
    );
  return rules;
}

/** Every rule the password breaks, as sentences for the person choosing it (empty when it is fine). */
export function passwordProblems(
  password: string,
  policy: PasswordPolicy,
  context: { username?: string; email?: string; names?: readonly string[] } = {},
): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < policy.minLength) problems.push(`Use at least ${policy.minLength} characters.`);
  if (length > policy.maxLength) problems.push(`Use at most ${policy.maxLength} characters.`);
  const key = identityKey(password);
  if (context.username && key === identityKey(context.username)) problems.push('Do not use your username.');
  if (context.email && key === identityKey(context.email)) problems.push('Do not use your email address.');
  const min = policy.minStrength ?? 0;
  // Strength is judged only on passwords of an acceptable length: zxcvbn on 10 000 characters is slow.
  if (min > 0 && problems.length === 0) {
    const inputs = [
      context.username,
      context.email,
      context.email?.split('@')[0],
      ...(context.names ?? []),
    ].filter((v): v is string => typeof v === 'string' && v.length > 0);
    const result = strengthChecker().check(password, inputs);
    if (result.score < min) {
      const hint = result.feedback.warning ?? result.feedback.suggestions[0];
      problems.push(`This password is too easy to guess.${hint ? ` ${hint}` : ''} Add more unrelated words.`);
    }
  }
  return problems;
}

/** Throws `password_policy` listing every broken rule. */
export function assertPasswordAllowed(
  password: string,
  policy: PasswordPolicy,
  context: { username?: string; email?: string; names?: readonly string[] } = {},
  field = 'password',
): void {
  const problems = passwordProblems(password, policy, context);
  if (problems.length > 0) {
    throw new DomainError('password_policy', `Choose another password. ${problems.join(' ')}`, {
      issues: problems.map((message) => ({ field, message })),
    });
  }
}
