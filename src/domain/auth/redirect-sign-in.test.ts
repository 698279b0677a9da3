import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './redirect-sign-in.js';

describe('safeReturnTo', () => {
  it.each([
    ['/account', '/account'],
    ['/account?tab=keys#top', '/account?tab=keys#top'],
    ['/inbox/../account', '/inbox/../account'],
  ])('keeps the same-origin path %j', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['another origin', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/x'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a backslash later in the path', '/a\\b'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'account'],
    ['a header injection', '/ok\r\nSet-Cookie: x=1'],
    ['a tab', '/\t/evil.example'],
    ['more than 2000 characters', `/${'a'.repeat(2000)}`],
  ])('sends the browser home instead of to %s', (_label, value) => {
    expect(safeReturnTo(value)).toBe('/');
  });
});
