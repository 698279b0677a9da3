import type { Context } from 'hono';
import type { z } from 'zod';
import { checkFieldsMessage, type FieldIssue } from '../domain/shared/errors.js';
import { problem } from './problem.js';

/**
 * The validation answer of every route: 400 problem+json. `detail` names each bad field in words and
 * says what it must be; `issues` lists the same per field (dotted path) for programs. Neither repeats
 * the validator's own wording ("Invalid input: expected string, received number").
 */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target?: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const issues = fieldIssues(result.error.issues);
  return problem(c, { status: 400, code: 'validation_failed', detail: checkFieldsMessage(issues), issues });
}

/** Zod issues as field issues written for people, each said once per field. */
export function fieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  const all = issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: describeIssue(issue),
  }));
  // 1e308 for a bounded integer fails both the safe-integer check and the bound: the bound says more.
  const vague = new Set([TOO_LARGE, TOO_SMALL]);
  return all.filter(
    (issue, i) =>
      all.findIndex((o) => o.field === issue.field && o.message === issue.message) === i &&
      !(vague.has(issue.message) && all.some((o) => o.field === issue.field && !vague.has(o.message))),
  );
}

const TOO_LARGE = 'is too large';
const TOO_SMALL = 'is too small';

const kinds: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object with named fields',
  array: 'a list',
  null: 'null',
  file: 'a file',
  date: 'a date',
};

const units: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};

// Keys come from the caller: shown shortened, quoted, and only the first few.
const shownKeys = (keys: readonly string[]) =>
  keys
    .slice(0, 5)
    .map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k))
    .join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '');

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'has an unknown field' : 'has unknown fields'}: ${shownKeys(issue.keys)}`;
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return 'is required';
      return `must be ${kinds[issue.expected] ?? 'of another kind'}`;
    case 'too_small': {
      const [one, many] = units[issue.origin] ?? ['', ''];
      const min = Number(issue.minimum);
      if (one && min === 1) return 'must not be empty';
      if (one) return `must be at least ${min} ${min === 1 ? one : many} long`;
      if (min <= Number.MIN_SAFE_INTEGER) return TOO_SMALL;
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${min}`;
    }
    case 'too_big': {
      const [one, many] = units[issue.origin] ?? ['', ''];
      const max = Number(issue.maximum);
      if (one) return `must be at most ${max} ${max === 1 ? one : many} long`;
      if (max >= Number.MAX_SAFE_INTEGER) return TOO_LARGE;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${max}`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return 'must be an email address';
      if (issue.format === 'url') return 'must be a URL';
      if (issue.format === 'datetime') return 'must be a date and time such as 2026-11-29T06:12:00Z';
      return 'is not in the expected format';
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_union':
      return 'does not match any of the accepted forms';
    case 'custom':
      // Written by the route's author for people (e.g. "must not contain control characters").
      return issue.message;
    default:
      return 'is not valid';
  }
}
