import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address: the first X-Forwarded-For entry when `trustProxy` (the reverse proxy sets it),
 * else the socket's. Null when neither is known (in-process `app.request()` has no socket).
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const first = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (first && first.length <= 64 && /^[0-9a-fA-F.:]+$/.test(first)) return first;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/** The User-Agent header, bounded, for the session list. */
export function userAgent(c: Context): string | null {
  return c.req.header('user-agent')?.slice(0, 512) ?? null;
}
