import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssues } from './validation.js';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a refusal');
  return fieldIssues(parsed.error.issues);
};

describe('fieldIssues', () => {
  it('says what a field must be in words, never in the validator’s', () => {
    const schema = z.strictObject({
      name: z.string().min(1).max(5),
      count: z.number().int().min(1).max(200),
      role: z.enum(['user', 'admin']),
      tags: z.array(z.string()).max(2),
    });
    expect(issuesOf(schema, { name: 7, count: 0.5, role: 'root', tags: ['a', 'b', 'c'], x: 1 })).toEqual([
      { field: 'name', message: 'must be text' },
      { field: 'count', message: 'must be a whole number' },
      { field: 'role', message: 'must be one of "user", "admin"' },
      { field: 'tags', message: 'must be at most 2 items long' },
      { field: '(body)', message: 'has an unknown field: "x"' },
    ]);
    expect(issuesOf(schema, { name: '', count: 1, role: 'user', tags: [] })).toEqual([
      { field: 'name', message: 'must not be empty' },
    ]);
  });

  it('says a huge number breaks the bound, once, rather than the largest safe integer', () => {
    const limit = z.object({ limit: z.coerce.number().int().min(1).max(200) });
    expect(issuesOf(limit, { limit: '1e308' })).toEqual([{ field: 'limit', message: 'must be at most 200' }]);
  });

  it('names required fields', () => {
    expect(issuesOf(z.object({ token: z.string() }), {})).toEqual([
      { field: 'token', message: 'is required' },
    ]);
  });
});
