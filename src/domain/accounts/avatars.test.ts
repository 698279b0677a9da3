import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import {
  type AvatarDeps,
  type AvatarKeys,
  avatarPath,
  type ProcessedAvatar,
  parseAvatarFileName,
  removeAvatar,
  setAvatar,
} from './avatars.js';

const K1 = '1'.repeat(32);
const K2 = '2'.repeat(32);

/** In-memory ports around the use cases; `failWrite` makes recording the key fail. */
function world(options: { current?: string | null; failWrite?: boolean; sharedWith?: number } = {}) {
  const files = new Set<string>(options.current ? [options.current] : []);
  let current: string | null | undefined = options.current === undefined ? null : options.current;
  const keys: AvatarKeys = {
    get: async () => current,
    set: async (_id, key) => {
      if (options.failWrite) throw new Error('database unavailable');
      current = key;
    },
    countUsers: async (key) => (current === key ? 1 : 0) + (options.sharedWith ?? 0),
  };
  const deps: AvatarDeps = {
    processor: {
      process: async (bytes) => {
        if (bytes[0] === 0) throw new DomainError('invalid_image', 'not a picture');
        return { key: K2, variants: [] } satisfies ProcessedAvatar;
      },
    },
    files: {
      save: async (a) => void files.add(a.key),
      remove: async (key) => void files.delete(key),
      read: async () => null,
    },
    clock: () => new Date(0),
    transact: (work) => work({ avatarKeys: keys }),
  };
  return { deps, files, key: () => current };
}

describe('profile pictures', () => {
  it('replace the old picture and remove its files', async () => {
    const w = world({ current: K1 });
    expect(await setAvatar(w.deps, 'u', new Uint8Array([1]))).toBe(K2);
    expect([w.key(), [...w.files]]).toEqual([K2, [K2]]);
  });

  it('keep the old picture when the new one is not an image', async () => {
    const w = world({ current: K1 });
    await expect(setAvatar(w.deps, 'u', new Uint8Array([0]))).rejects.toThrow('not a picture');
    expect([w.key(), [...w.files]]).toEqual([K1, [K1]]);
  });

  it('keep the old picture, and leave no new files, when recording the new one fails', async () => {
    const w = world({ current: K1, failWrite: true });
    await expect(setAvatar(w.deps, 'u', new Uint8Array([1]))).rejects.toThrow('database unavailable');
    expect([w.key(), [...w.files]]).toEqual([K1, [K1]]);
  });

  it('keep files another user still shows', async () => {
    const w = world({ current: K1, sharedWith: 1 });
    await removeAvatar(w.deps, 'u');
    expect([w.key(), [...w.files]]).toEqual([null, [K1]]);
  });

  it('refuse more than 10 MiB before processing', async () => {
    const w = world();
    await expect(setAvatar(w.deps, 'u', new Uint8Array(10 * 1024 * 1024 + 1))).rejects.toMatchObject({
      code: 'image_too_large',
    });
  });

  it('have file names that admit nothing but a key, a size and .webp', () => {
    expect(parseAvatarFileName(`${K1}-256.webp`)).toBe(K1);
    expect(parseAvatarFileName(`${K1}-64.webp`)).toBe(K1);
    for (const bad of [`../${K1}-256.webp`, `${K1}-32.webp`, `${K1}-256.webp/`, `${K1}-256.WEBP`, '']) {
      expect(parseAvatarFileName(bad)).toBeNull();
    }
    expect(avatarPath(K1)).toBe(`/avatars/${K1}-256.webp`);
    expect(avatarPath(null)).toBeNull();
  });
});
