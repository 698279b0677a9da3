import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address: with `trustProxy`, the last X-Forwarded-For entry, the one our reverse proxy
 * appended (earlier entries come from the client and could be anything); else the socket's. Null when
 * neither is known (in-process `app.request()` has no socket).
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const last = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (last && last.length <= 64 && /^[0-9a-fA-F.:]+$/.test(last)) return last;
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
