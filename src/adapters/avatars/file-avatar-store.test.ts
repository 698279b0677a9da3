import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileAvatarStore } from './file-avatar-store.js';

const root = mkdtempSync(join(tmpdir(), 'concierge-avatars-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const key = 'a'.repeat(32);
const avatar = {
  key,
  variants: [
    { size: 256 as const, data: new Uint8Array([1, 2, 3]) },
    { size: 64 as const, data: new Uint8Array([4, 5]) },
  ],
};

describe('the file avatar store', () => {
  it('saves each variant under its content-hash name and reads it back', async () => {
    const dir = join(root, 'save', 'avatars');
    const store = fileAvatarStore(dir);
    await store.save(avatar);
    expect(readdirSync(dir).sort()).toEqual([`${key}-256.webp`, `${key}-64.webp`]);
    expect(await store.read(`${key}-256.webp`)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.read(`${'b'.repeat(32)}-64.webp`)).toBeNull();
  });

  it.each([
    '../concierge.db',
    `../${key}-256.webp`,
    `${key}-256.webp/..`,
    `${key}-128.webp`,
    `${key.toUpperCase()}-256.webp`,
    `${key}-256.webp.tmp`,
    `${key}-256.png`,
    '',
    '%2e%2e%2fsecret',
  ])('reads nothing for the file name %j', async (name) => {
    const dir = join(root, 'names', 'avatars');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'names', 'concierge.db'), 'secret');
    const store = fileAvatarStore(dir);
    await store.save(avatar);
    expect(await store.read(name)).toBeNull();
  });

  it('removes every variant of a key, and removing twice is not an error', async () => {
    const dir = join(root, 'remove', 'avatars');
    const store = fileAvatarStore(dir);
    await store.save(avatar);
    await store.remove(key);
    await store.remove(key);
    expect(readdirSync(dir)).toEqual([]);
  });
});
