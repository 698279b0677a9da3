import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

// The headers of hono's secureHeaders() defaults, with our Content-Security-Policy.
const HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', CSP],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/**
 * Security headers on every response. Served by @hono/node-server, they go straight onto Node's response
 * before the route runs (a header a route sets itself wins); hono's secureHeaders() copies them onto
 * each finished Response afterwards, which cost a third of a bare route's time. In-process requests
 * (`app.request()`, tests) get them through Hono's own headers.
 */
export function securityHeaders(): MiddlewareHandler<{ Bindings: { outgoing?: ServerResponse } }> {
  return function securityHeaders(c, next) {
    const outgoing = c.env?.outgoing;
    if (outgoing) {
      for (const [name, value] of HEADERS) outgoing.setHeader(name, value);
      return next();
    }
    return next().then(() => {
      for (const [name, value] of HEADERS) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    });
  };
}
