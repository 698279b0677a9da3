import { describe, expect, it } from 'vitest';
import type { SecurityNotices } from '../notifications/security-notices.js';
import { type KnownDeviceStore, recogniseDevice } from './known-devices.js';

function memoryDevices(): KnownDeviceStore & { rows: Set<string> } {
  const rows = new Set<string>();
  return {
    rows,
    touch: async (userId, hash) => rows.has(`${userId}|${hash}`),
    add: async (userId, hash) => {
      rows.add(`${userId}|${hash}`);
    },
    hasAny: async (userId) => [...rows].some((r) => r.startsWith(`${userId}|`)),
  };
}

function notices(onNewSignIn: () => Promise<void> = async () => {}) {
  const raised: string[] = [];
  const port: SecurityNotices = {
    newSignIn: async (userId) => {
      raised.push(userId);
      await onNewSignIn();
    },
    credentialsChanged: async () => {},
    apiKeyCreated: async () => {},
  };
  return { raised, port };
}

const meta = { ip: '203.0.113.7', userAgent: 'Firefox' };
const clock = () => new Date('2026-11-29T10:00:00Z');

describe('recognising the browser after a sign-in', () => {
  it('raises a notice for a new browser, but not on the very first sign-in nor for a known browser', async () => {
    const devices = memoryDevices();
    const n = notices();
    const deps = { devices, notices: n.port, clock };
    const laptop = await recogniseDevice(deps, 'ada', undefined, meta);
    expect(n.raised).toEqual([]);
    expect(await recogniseDevice(deps, 'ada', laptop, meta)).toBe(laptop);
    expect(n.raised).toEqual([]);
    const phone = await recogniseDevice(deps, 'ada', undefined, meta);
    expect(phone).not.toBe(laptop);
    expect(n.raised).toEqual(['ada']);
  });

  it('records the browser only after the notice: a crash in between repeats the notice, never loses it', async () => {
    const devices = memoryDevices();
    let crash = true;
    const n = notices(async () => {
      if (crash) throw new Error('the process died here');
    });
    const deps = { devices, notices: n.port, clock };
    await recogniseDevice(deps, 'ada', undefined, meta);
    const phone = 'abcdefghijklmnopqrstuvwxyz234567';
    await expect(recogniseDevice(deps, 'ada', phone, meta)).rejects.toThrow('the process died here');
    expect(devices.rows.size).toBe(1);
    crash = false;
    await recogniseDevice(deps, 'ada', phone, meta);
    expect(n.raised).toEqual(['ada', 'ada']);
    expect(devices.rows.size).toBe(2);
  });
});
