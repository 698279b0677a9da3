import type { SecurityNotices } from '../notifications/security-notices.js';
import type { Clock } from '../shared/clock.js';
import { generateToken, hashToken } from '../shared/tokens.js';

/** Browsers each user has signed in from, known by the SHA-256 of a long-lived cookie. */
export interface KnownDeviceStore {
  /** Notes a sign-in from `deviceHash` at `now`; false when the user has no such browser on record. */
  touch(userId: string, deviceHash: string, now: Date): Promise<boolean>;
  /** Records a browser for the user (a second record of the same one is ignored). */
  add(userId: string, deviceHash: string, now: Date): Promise<void>;
  /** True when the user has signed in from any browser on record. */
  hasAny(userId: string): Promise<boolean>;
}

export interface DeviceDeps {
  readonly devices: KnownDeviceStore;
  readonly notices: SecurityNotices;
  readonly clock: Clock;
}

// What generateToken() makes: lowercase base32. Anything else in the cookie is treated as no cookie.
const DEVICE_TOKEN = /^[a-z2-7]{32}$/;

/**
 * After a sign-in: recognises the browser by its device cookie (`presented`), records it for the user,
 * and raises a new-sign-in notice when the user has signed in before but never from this browser (a
 * user's very first sign-in is not news). The notice comes before the record: a crash in between
 * repeats the notice at the next sign-in instead of losing it. Returns the device token for the cookie.
 */
export async function recogniseDevice(
  deps: DeviceDeps,
  userId: string,
  presented: string | undefined,
  meta: { ip: string | null; userAgent: string | null },
): Promise<string> {
  const token = presented !== undefined && DEVICE_TOKEN.test(presented) ? presented : generateToken();
  const now = deps.clock();
  const hash = hashToken(token);
  if (await deps.devices.touch(userId, hash, now)) return token;
  if (await deps.devices.hasAny(userId)) await deps.notices.newSignIn(userId, now, meta);
  await deps.devices.add(userId, hash, now);
  return token;
}
