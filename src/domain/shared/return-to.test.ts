import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

const ORIGIN = 'http://a.test';
// Where the result is used: as the login page's own URL would resolve it (a path-absolute reference
// ignores the base's path, so any page of the service gives the same answer).
const resolve = (path: string) => new URL(path, `${ORIGIN}/login?returnTo=x`);

describe('safeReturnTo', () => {
  it.each([
    ['/account', '/account'],
    ['/account?tab=keys#top', '/account?tab=keys#top'],
    // What a browser would go to: dot segments resolved, spaces and non-ASCII percent-encoded.
    ['/inbox/../account', '/account'],
    ['/a b?c d#e f', '/a%20b?c%20d#e%20f'],
    // Encoded characters stay encoded, so they are a path on this service, not a separator.
    ['/%09/evil.example/landing', '/%09/evil.example/landing'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/%5Cevil.example', '/%5Cevil.example'],
    // Look-alike slashes are ordinary characters in a path.
    ['/\u2215evil.example', '/%E2%88%95evil.example'],
    ['/\uff0fevil.example', '/%EF%BC%8Fevil.example'],
    ['/\u2044evil.example', '/%E2%81%84evil.example'],
    ['/\uff3cevil.example', '/%EF%BC%BCevil.example'],
    ['/http://evil.example', '/http://evil.example'],
  ])('keeps the same-origin path %j as %j', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
    expect(resolve(expected).origin).toBe(ORIGIN);
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a tab after the slash', '/\t/evil.example/landing'],
    ['a tab before the slash', '\t//evil.example'],
    ['a carriage return', '/ok\rSet-Cookie: x=1'],
    ['a line feed', '/\n/evil.example'],
    ['a header injection', '/ok\r\nSet-Cookie: x=1'],
    ['a NUL', '/\u0000/evil.example'],
    ['a DEL', '/\u007f/evil.example'],
    ['a zero-width space', '/\u200b/evil.example'],
    ['a right-to-left override', '/\u202eelpmaxe.live'],
    ['a backslash', '\\'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a backslash later in the path', '/a\\b'],
    ['two slashes alone', '//'],
    ['a protocol-relative URL', '//evil.example/x'],
    ['three slashes', '///evil.example'],
    ['dot segments that leave two slashes', '/..//evil.example'],
    ['a single dot segment that leaves two slashes', '/.//evil.example'],
    ['encoded slashes without a leading slash', '%2F%2Fevil.example'],
    ['another origin', 'https://evil.example/'],
    ['a scheme without slashes', 'http:evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['look-alike slashes alone', '\u2215\u2215evil.example'],
    ['fullwidth slashes alone', '\uff0f\uff0fevil.example'],
    ['a fullwidth backslash alone', '\uff3cevil.example'],
    ['a leading space', ' /x'],
    ['a relative path', 'account'],
    ['a query alone', '?returnTo=//evil.example'],
    ['more than 2000 characters', `/${'a'.repeat(2000)}`],
  ])('answers the fallback instead of %s', (_label, value) => {
    expect(safeReturnTo(value)).toBe('/');
    expect(safeReturnTo(value, '/account')).toBe('/account');
  });

  // Pieces that make URL parsers disagree, so the generated strings hit the interesting cases often.
  const piece = fc.constantFrom(
    '/',
    '//',
    '\\',
    '.',
    '..',
    '%2F',
    '%2f',
    '%5C',
    '%09',
    '%2e',
    '\t',
    '\n',
    '\r',
    '\u0000',
    ' ',
    '\u00a0',
    '\u200b',
    '\u2215',
    '\u2044',
    '\uff0f',
    '\uff3c',
    '\u3002',
    ':',
    '@',
    '?',
    '#',
    'http:',
    'https://',
    'javascript:',
    'evil.example',
    'a',
  );
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
    fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
  );

  it('answers either the fallback or a path that a browser resolves on the same origin, to itself', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const r = safeReturnTo(value, '/fallback');
        if (r === '/fallback') return;
        const url = resolve(r);
        expect(url.origin).toBe(ORIGIN);
        // Parsing it again changes nothing: the page and the Location header hold what the browser loads.
        expect(`${url.pathname}${url.search}${url.hash}`).toBe(r);
        expect(url.href).toBe(new URL(r, `${ORIGIN}/`).href);
        expect(r).toMatch(/^\/(?![/\\])/);
      }),
      { numRuns: 5000 },
    );
  });
});
