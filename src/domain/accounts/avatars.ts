import { DomainError } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';

/** Square sizes written for every picture, in pixels: the profile (256) and lists and menus (64). */
export const AVATAR_SIZES = [256, 64] as const;
export type AvatarSize = (typeof AVATAR_SIZES)[number];
/** Largest upload accepted, in bytes (10 MiB). */
export const MAX_AVATAR_BYTES = 10 * 1024 * 1024;
/** Largest decoded picture accepted: a small file may declare a huge canvas (decompression bomb). */
export const MAX_AVATAR_PIXELS = 40_000_000;

// A picture's key is a content hash (32 hex characters): the same picture gets the same names, a new
// picture new names, so files can be cached forever.
const FILE_NAME = /^([0-9a-f]{32})-(256|64)\.webp$/;

/** A processed picture: its content-hash key and one WebP per size. */
export interface ProcessedAvatar {
  readonly key: string;
  readonly variants: readonly { readonly size: AvatarSize; readonly data: Uint8Array }[];
}

/** Turns uploaded bytes into square WebP variants; refuses what is not a usable image (`invalid_image`). */
export interface AvatarProcessor {
  process(bytes: Uint8Array): Promise<ProcessedAvatar>;
}

/** Where picture files live (the filesystem today, object storage later). */
export interface AvatarStore {
  save(avatar: ProcessedAvatar): Promise<void>;
  /** Removes every variant of `key`; missing files are not an error. */
  remove(key: string): Promise<void>;
  /** The bytes of one file (a name accepted by `parseAvatarFileName`), or null. */
  read(fileName: string): Promise<Uint8Array | null>;
}

/** The users' picture keys (users.avatar_key). */
export interface AvatarKeys {
  /** The user's key: a string, null without picture, undefined when there is no such user. */
  get(userId: string): Promise<string | null | undefined>;
  set(userId: string, key: string | null, now: Date): Promise<void>;
  /** How many users show the picture `key` (two people may upload the same file). */
  countUsers(key: string): Promise<number>;
}

export interface AvatarDeps {
  readonly processor: AvatarProcessor;
  readonly files: AvatarStore;
  readonly clock: () => Date;
  readonly transact: Transact<{ avatarKeys: AvatarKeys }>;
}

/** The file name of one variant, e.g. `0123…ef-256.webp`. */
export function avatarFileName(key: string, size: AvatarSize): string {
  return `${key}-${size}.webp`;
}

/** The public path of a user's picture, or null without one. */
export function avatarPath(key: string | null, size: AvatarSize = 256): string | null {
  return key === null ? null : `/avatars/${avatarFileName(key, size)}`;
}

/** The key of a well-formed variant file name; null for anything else (path traversal included). */
export function parseAvatarFileName(name: string): string | null {
  return FILE_NAME.exec(name)?.[1] ?? null;
}

/**
 * Replaces the user's picture. Nothing is stored until the image is processed, and the old picture
 * stays until the new one is saved and recorded, so a failed upload keeps the old picture.
 */
export async function setAvatar(deps: AvatarDeps, userId: string, bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength > MAX_AVATAR_BYTES) {
    throw new DomainError('image_too_large', 'The picture is larger than 10 MiB. Choose a smaller one.');
  }
  const processed = await deps.processor.process(bytes);
  await deps.files.save(processed);
  let previous: string | null;
  try {
    previous = await deps.transact(async ({ avatarKeys }) => {
      const current = await avatarKeys.get(userId);
      if (current === undefined) throw noSuchUser();
      await avatarKeys.set(userId, processed.key, deps.clock());
      return current;
    });
  } catch (error) {
    await removeIfUnused(deps, processed.key);
    throw error;
  }
  if (previous !== null && previous !== processed.key) await removeIfUnused(deps, previous);
  return processed.key;
}

/** Removes the user's picture (no picture: nothing to do). Unknown users give `not_found`. */
export async function removeAvatar(deps: AvatarDeps, userId: string): Promise<void> {
  const previous = await deps.transact(async ({ avatarKeys }) => {
    const current = await avatarKeys.get(userId);
    if (current === undefined) throw noSuchUser();
    if (current !== null) await avatarKeys.set(userId, null, deps.clock());
    return current;
  });
  if (previous !== null) await removeIfUnused(deps, previous);
}

async function removeIfUnused(deps: AvatarDeps, key: string): Promise<void> {
  try {
    const users = await deps.transact(({ avatarKeys }) => avatarKeys.countUsers(key));
    if (users === 0) await deps.files.remove(key);
  } catch {
    // A file left behind costs a few kilobytes; failing the request over it would lose the change.
  }
}

function noSuchUser(): DomainError {
  return new DomainError('not_found', 'There is no such user.');
}
