import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** `__Host-` pins the cookie to our origin when it can be Secure (https publicUrl). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-concierge_session' : 'concierge_session';
}

const COOKIE_PATTERNS = {
  secure: /(?:^|;\s*)__Host-concierge_session=([^;]*)/,
  plain: /(?:^|;\s*)concierge_session=([^;]*)/,
};

/**
 * The session token from the Cookie header. One regular expression instead of hono's getCookie, which
 * parses and decodes every cookie of the header: it was 3 % of a signed-in GET /api/v1/me.
 */
export function readSessionCookie(c: Context, secure: boolean): string | undefined {
  const header = c.req.header('cookie');
  if (header === undefined) return undefined;
  const value = (secure ? COOKIE_PATTERNS.secure : COOKIE_PATTERNS.plain).exec(header)?.[1]?.trim();
  if (!value) return undefined;
  // Our tokens never need decoding; anything else is looked up as sent and simply not found.
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** HttpOnly, SameSite=Lax, Secure unless the service runs on plain http (development). */
export function writeSessionCookie(c: Context, token: string, expiresAt: Date, secure: boolean): void {
  setCookie(c, sessionCookieName(secure), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, sessionCookieName(secure), { path: '/', secure });
}

/**
 * The device cookie: a random token that lets a sign-in tell a browser seen before from a new one (a
 * new one raises the new-sign-in notice). Not a credential; it outlives sessions and sign-outs.
 */
export function deviceCookieName(secure: boolean): string {
  return secure ? '__Host-concierge_device' : 'concierge_device';
}

export function readDeviceCookie(c: Context, secure: boolean): string | undefined {
  return getCookie(c, deviceCookieName(secure));
}

// Browsers cap cookie lifetimes at 400 days; each sign-in renews it.
const DEVICE_COOKIE_SECONDS = 400 * 24 * 60 * 60;

export function writeDeviceCookie(c: Context, token: string, secure: boolean): void {
  setCookie(c, deviceCookieName(secure), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: DEVICE_COOKIE_SECONDS,
  });
}
