import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address: with `trustProxy`, the last X-Forwarded-For entry, the one our reverse proxy
 * appended (earlier entries come from the client and could be anything); else the socket's. Null when
 * neither is known (in-process `app.request()` has no socket).
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  const socket = () => {
    try {
      return getConnInfo(c).remote.address;
    } catch {
      return undefined;
    }
  };
  return clientIpFrom(trustProxy ? c.req.header('x-forwarded-for') : undefined, socket);
}

/** clientIp() from the X-Forwarded-For header (pass it only when trusted) and the socket's address. */
export function clientIpFrom(
  forwardedFor: string | undefined,
  socketAddress: () => string | undefined,
): string | null {
  const last = forwardedFor?.split(',').at(-1)?.trim();
  if (last && last.length <= 64 && /^[0-9a-fA-F.:]+$/.test(last)) return last;
  return socketAddress() ?? null;
}

/** The User-Agent header, bounded, for the session list. */
export function userAgent(c: Context): string | null {
  return c.req.header('user-agent')?.slice(0, 512) ?? null;
}
