import { describe, expect, it } from 'vitest';
import type { ChannelOverride, NotificationType } from './catalog.js';
import { resolveSetting, workspaceDefault } from './preferences.js';

const type = (over: Partial<NotificationType> = {}): NotificationType => ({
  type: 'task.assigned',
  label: 'Assigned',
  description: 'Assigned to a task.',
  channels: { inbox: true, email: true, digest: false },
  locked: false,
  digestible: true,
  ...over,
});
const o = (inbox: boolean | null, email: boolean | null, digest: boolean | null): ChannelOverride => ({
  inbox,
  email,
  digest,
});
const none = o(null, null, null);

describe('preference resolution', () => {
  it('uses the catalog when neither the workspace nor the user set anything', () => {
    expect(resolveSetting(type(), undefined, undefined).channels).toEqual({
      inbox: true,
      email: true,
      digest: false,
    });
    expect(resolveSetting(type(), none, none).source).toEqual({
      inbox: 'catalog',
      email: 'catalog',
      digest: 'catalog',
    });
  });

  // Every combination of catalog / workspace / user value for one channel.
  const values = [true, false, null] as const;
  const cases = values.flatMap((ws) => values.map((user) => [ws, user] as const));
  it.each(cases)(
    'workspace %s and user %s: the user wins, else the workspace, else the catalog',
    (ws, user) => {
      for (const catalog of [true, false]) {
        const t = type({ channels: { inbox: catalog, email: catalog, digest: catalog } });
        const got = resolveSetting(t, o(ws, ws, ws), o(user, user, user));
        const expected = user ?? ws ?? catalog;
        expect(got.channels).toEqual({ inbox: expected, email: expected, digest: expected });
        const source = user !== null ? 'user' : ws !== null ? 'workspace' : 'catalog';
        expect(got.source.email).toBe(source);
      }
    },
  );

  it('resolves each channel on its own, so a user who changed email still follows the default for inbox', () => {
    const got = resolveSetting(type(), o(false, null, true), o(null, false, null));
    expect(got.channels).toEqual({ inbox: false, email: false, digest: true });
    expect(got.source).toEqual({ inbox: 'workspace', email: 'user', digest: 'workspace' });
  });

  it('keeps a locked type at its catalog value whatever anyone stored', () => {
    const locked = type({ locked: true, digestible: false });
    const got = resolveSetting(locked, o(false, false, true), o(false, false, true));
    expect(got.channels).toEqual({ inbox: true, email: true, digest: false });
    expect(got.source.email).toBe('locked');
    expect(workspaceDefault(locked, o(false, false, false))).toEqual(locked.channels);
  });

  it('never digests a type that is not digestible, even when a stored value says so', () => {
    const t = type({ digestible: false, channels: { inbox: true, email: false, digest: false } });
    expect(resolveSetting(t, o(null, null, true), o(null, null, true)).channels.digest).toBe(false);
    expect(workspaceDefault(t, o(null, null, true)).digest).toBe(false);
  });

  it('gives the workspace default as the administrator override per channel over the catalog', () => {
    expect(workspaceDefault(type(), o(null, false, true))).toEqual({
      inbox: true,
      email: false,
      digest: true,
    });
  });
});
