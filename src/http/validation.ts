import type { Context } from 'hono';
import type { z } from 'zod';
import { problem } from './problem.js';

/** The validation answer of every route: 400 problem+json naming each bad field. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target?: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: describeIssue(issue),
  }));
  const fields = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return problem(c, {
    status: 400,
    code: 'validation_failed',
    detail: `Check these fields: ${fields}.`,
    issues,
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'is required';
  if (issue.code === 'invalid_type') return `must be of type ${issue.expected}`;
  return issue.message;
}
