import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import {
  assertPasswordAllowed,
  defaultPasswordPolicy,
  describePolicy,
  passwordProblems,
} from './password-policy.js';

const policy = defaultPasswordPolicy;

describe('password policy', () => {
  it('accepts a long passphrase of unrelated words', () => {
    expect(passwordProblems('violet-anchor-mosaic-42', policy)).toEqual([]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblems('🦊'.repeat(11), { minLength: 12, maxLength: 256 })).toEqual([
      'Use at least 12 characters.',
    ]);
    expect(passwordProblems('🦊'.repeat(12), { minLength: 12, maxLength: 256 })).toEqual([]);
  });

  it('refuses too short and too long passwords with the configured numbers', () => {
    expect(passwordProblems('short', policy)).toEqual(['Use at least 12 characters.']);
    expect(passwordProblems('x'.repeat(257), policy)).toEqual(['Use at most 256 characters.']);
    expect(passwordProblems('abcdefgh', { minLength: 8, maxLength: 10 })).toEqual([]);
  });

  it('refuses the username or email, whatever the case', () => {
    const context = { username: 'Grace.Hopper-1906', email: 'grace.hopper@navy.example' };
    expect(passwordProblems('grace.hopper-1906', policy, context)).toContain('Do not use your username.');
    expect(passwordProblems('GRACE.HOPPER@NAVY.EXAMPLE', policy, context)).toContain(
      'Do not use your email address.',
    );
  });

  it.each(['password1234', 'qwertyuiop123', 'aaaaaaaaaaaaaaaa', '123456789012'])(
    'refuses the guessable %s as too easy to guess',
    (password) => {
      const [problem] = passwordProblems(password, policy);
      expect(problem).toMatch(/too easy to guess/);
    },
  );

  it('uses names and the email as words an attacker would try', () => {
    expect(passwordProblems('zorblaxquintana', policy)).toEqual([]);
    const problems = passwordProblems('zorblaxquintana', policy, { names: ['Zorblax', 'Quintana'] });
    expect(problems.join(' ')).toMatch(/too easy to guess/);
  });

  it('skips the strength check when minStrength is 0', () => {
    expect(passwordProblems('password1234', { ...policy, minStrength: 0 })).toEqual([]);
  });

  it('throws password_policy with one issue per rule, on the given field', () => {
    try {
      assertPasswordAllowed('short', policy, {}, 'newPassword');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('password_policy');
      expect((error as DomainError).extra.issues).toEqual([
        { field: 'newPassword', message: 'Use at least 12 characters.' },
      ]);
    }
  });

  it('describes itself for pages', () => {
    expect(describePolicy(policy)[0]).toBe('Use between 12 and 256 characters.');
    expect(describePolicy({ minLength: 8, maxLength: 64, minStrength: 0 })).toHaveLength(2);
  });
});
