import { hash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { problem } from '../problem.js';

/**
 * Admits the host platform: `Authorization: Bearer <one of the configured service tokens>`. Tokens are
 * compared as SHA-256 digests in constant time, so neither content nor length leaks through timing.
 */
export function requireServiceToken(tokens: readonly string[]): MiddlewareHandler<AppEnv> {
  const digests = tokens.map(sha256);
  return async function requireServiceToken(c, next) {
    const match = /^Bearer\s+(\S{1,1024})$/i.exec(c.req.header('authorization') ?? '');
    if (match?.[1]) {
      const presented = sha256(match[1]);
      let ok = false;
      for (const digest of digests) ok = timingSafeEqual(digest, presented) || ok;
      if (ok) return next();
    }
    return problem(c, {
      status: 401,
      code: 'unauthenticated',
      detail:
        digests.length === 0
          ? 'No service token is configured on this Concierge (serviceTokens), so the host platform cannot call it yet.'
          : 'This endpoint is for the host platform: send one of the configured service tokens as "Authorization: Bearer <token>".',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  };
}

function sha256(text: string): Buffer {
  // One-shot crypto.hash: no Hash object per request.
  return hash('sha256', text, 'buffer');
}
