import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AVATAR_SIZES,
  type AvatarStore,
  avatarFileName,
  parseAvatarFileName,
} from '../../domain/accounts/avatars.js';

/** Picture files in one folder (`<dataDir>/avatars`), named by content hash. */
export function fileAvatarStore(dir: string): AvatarStore {
  return {
    async save(avatar) {
      await mkdir(dir, { recursive: true });
      for (const variant of avatar.variants) {
        // Write aside, then rename: a reader never sees half a file, and the same picture saved twice
        // at once ends with one whole file either way.
        const target = join(dir, avatarFileName(avatar.key, variant.size));
        const temporary = `${target}.${randomUUID()}.tmp`;
        await writeFile(temporary, variant.data);
        await rename(temporary, target);
      }
    },
    async remove(key) {
      if (parseAvatarFileName(avatarFileName(key, 256)) === null) return;
      await Promise.all(
        AVATAR_SIZES.map((size) => rm(join(dir, avatarFileName(key, size)), { force: true })),
      );
    },
    async read(fileName) {
      // Only names of our own making reach the filesystem: no separators, no dots, no traversal.
      if (parseAvatarFileName(fileName) === null) return null;
      try {
        return new Uint8Array(await readFile(join(dir, fileName)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}
