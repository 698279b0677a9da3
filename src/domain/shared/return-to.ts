// A base no real request has: only whether the origin survives parsing matters, not what it is.
const BASE = 'http://x.invalid';
const MAX_LENGTH = 2000;
// Browsers strip tabs and newlines from URLs and read "\" as "/", so "/\t/evil" and "/\evil" become
// "//evil", another origin. Format characters (zero-width, bidi) hide what a link says.
const REFUSED = /[\p{Cc}\p{Cf}\\]/u;

/** `value` as the same-origin path a browser would go to (path, query, fragment), else `fallback`. */
export function safeReturnTo(value: string | undefined | null, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || REFUSED.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can leave "//evil" ("/..//evil"): harmless where it was resolved, but another origin
  // wherever the result is used as a relative URL again (a Location header, location.assign).
  if (path.startsWith('//') || new URL(path, BASE).href !== url.href) return fallback;
  return path;
}
