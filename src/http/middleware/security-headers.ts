import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';

type HeaderList = ReadonlyArray<readonly [string, string]>;

const HSTS: readonly [string, string] = ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'];

// Pages (HTML, their scripts and styles): hono's secureHeaders() defaults with our Content-Security-Policy.
const PAGE_HEADERS: HeaderList = [
  [
    'Content-Security-Policy',
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'",
  ],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

// JSON and health answers are never rendered as documents: OWASP's REST cheat sheet asks an API for
// these two (nothing may load, frame or sniff them) and HSTS. Browsers' opaque-response blocking already
// keeps JSON out of other sites' <img>/<script>, so Cross-Origin-Resource-Policy adds nothing here. Each
// header costs Node about 3 % of a bare route's time, and these routes are the hot ones.
const API_HEADERS: HeaderList = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['X-Content-Type-Options', 'nosniff'],
];

// Profile pictures are public (content-hash names) and the host platform shows them on its own pages,
// another origin: `same-origin` would make browsers refuse to draw them there.
const AVATAR_HEADERS: HeaderList = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['X-Content-Type-Options', 'nosniff'],
];

/** The security headers of a JSON answer (see API_HEADERS), with HSTS over https. */
export function dataHeaders(https: boolean): HeaderList {
  return https ? [...API_HEADERS, HSTS] : API_HEADERS;
}

function isDataPath(path: string): boolean {
  if (path.startsWith('/api/')) return !path.startsWith('/api/docs');
  return path === '/healthz' || path === '/readyz' || path === '/metrics';
}

/**
 * Security headers on every response: the full set on pages, a short one on data and pictures. HSTS only when the
 * service is reached over https (browsers ignore it over http). Served by @hono/node-server, they go
 * straight onto Node's response before the route runs (a header a route sets itself wins); hono's
 * secureHeaders() copies them onto each finished Response afterwards, which cost a third of a bare
 * route's time. In-process requests (`app.request()`, tests) get them through Hono's own headers.
 */
export function securityHeaders(options: {
  https: boolean;
}): MiddlewareHandler<{ Bindings: { outgoing?: ServerResponse } }> {
  const pages = options.https ? [...PAGE_HEADERS, HSTS] : PAGE_HEADERS;
  const data = dataHeaders(options.https);
  const avatars = options.https ? [...AVATAR_HEADERS, HSTS] : AVATAR_HEADERS;
  return function securityHeaders(c, next) {
    const path = c.req.path;
    const headers = isDataPath(path) ? data : path.startsWith('/avatars/') ? avatars : pages;
    const outgoing = c.env?.outgoing;
    if (outgoing) {
      for (const [name, value] of headers) outgoing.setHeader(name, value);
      return next();
    }
    return next().then(() => {
      for (const [name, value] of headers) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    });
  };
}
