import type { Outbox } from '../mail/email.js';
import { formatExactWithZone } from '../notifications/date-format.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, type FieldIssue } from '../shared/errors.js';
import { generateToken, hashToken, newId } from '../shared/tokens.js';
import type { Transact } from '../shared/transaction.js';
import { assertNoIssues, cleanName, nameProblem } from './profile-rules.js';
import type { User } from './user.js';

// `cnc_` makes a leaked key recognisable (secret scanners, logs); 32 random bytes in base32 follow.
export const API_KEY_PREFIX = 'cnc_';
const SECRET_BYTES = 32;
const KEY_LENGTH = API_KEY_PREFIX.length + Math.ceil((SECRET_BYTES * 8) / 5);
// What the list shows of a key: enough to tell keys apart, far too little to guess the rest.
const DISPLAY_CHARS = 8;
// Key names follow the rule for person names (nameProblem): at most 100 characters, no control characters.
export const MAX_KEY_NAME = 100;
export const MAX_EXPIRES_IN_DAYS = 3650;
// A ceiling on live keys per person keeps a runaway script from filling the table.
export const MAX_ACTIVE_KEYS = 100;
const DAY_MS = 24 * 60 * 60 * 1000;
// last_used_at is written at most this often per key, so an authenticated request rarely writes.
export const TOUCH_EVERY_MS = 60_000;

/** A personal API key as its owner sees it; the secret itself is never stored. */
export interface ApiKey {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** The first characters of the key, e.g. `cnc_ab12cd34`, to recognise it in the list. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly lastUsedIp: string | null;
  readonly revokedAt: Date | null;
}

/** The notice sent when a key is created; a security notice, so it cannot be switched off. */
export interface ApiKeyEmailModel {
  readonly template: 'api-key-created';
  readonly data: {
    readonly username: string;
    readonly keyName: string;
    readonly prefix: string;
    /** When the key was created and when it expires (null: never), written for the owner (formatExactWithZone). */
    readonly when: string;
    readonly expires: string | null;
    readonly ip: string | null;
    readonly manageUrl: string;
  };
}

export interface ApiKeyStore {
  /** Stores a key under the SHA-256 (hex) of its secret. */
  insert(key: ApiKey, keyHash: string): Promise<void>;
  /** The user's keys that are not revoked, newest first. */
  listForUser(userId: string): Promise<ApiKey[]>;
  /** The key with this hash and its owner, revoked or not; null when there is none. */
  findByHash(keyHash: string): Promise<{ key: ApiKey; user: User } | null>;
  /** Revokes the user's key `id` if it is theirs and still live; false otherwise. */
  revoke(userId: string, id: string, now: Date): Promise<boolean>;
  /** Records a use unless one was recorded after `notBefore` (another request or replica did it). */
  touch(id: string, at: Date, ip: string | null, notBefore: Date): Promise<void>;
}

export interface CreateApiKeyDeps {
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly transact: Transact<{
    apiKeys: ApiKeyStore;
    users: { findById(id: string): Promise<User | null> };
    outbox: Outbox;
  }>;
}

export interface NewApiKeyInput {
  readonly name: string;
  /** Absent: the key never expires (it can still be revoked). */
  readonly expiresInDays?: number | undefined;
}

/** A fresh key: `cnc_` and 52 base32 characters (32 random bytes). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + generateToken(SECRET_BYTES);
}

/** True when `token` has the shape of one of our API keys (anything else is not looked up). */
export function looksLikeApiKey(token: string): boolean {
  return token.length === KEY_LENGTH && token.startsWith(API_KEY_PREFIX);
}

/** Creates a key for `userId`, emails its owner a notice, and returns the secret (shown this once). */
export async function createApiKey(
  deps: CreateApiKeyDeps,
  userId: string,
  input: NewApiKeyInput,
  meta: { ip: string | null },
): Promise<{ key: string; apiKey: ApiKey }> {
  const name = cleanName(input.name);
  const issues: FieldIssue[] = [];
  const nameIssue = name.length === 0 ? 'must not be empty' : nameProblem(name);
  if (nameIssue) issues.push({ field: 'name', message: nameIssue });
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRES_IN_DAYS)) {
    issues.push({
      field: 'expiresInDays',
      message: `must be a whole number from 1 to ${MAX_EXPIRES_IN_DAYS}`,
    });
  }
  assertNoIssues(issues);
  const key = generateApiKey();
  const now = deps.clock();
  const apiKey: ApiKey = {
    id: newId(),
    userId,
    name,
    prefix: key.slice(0, API_KEY_PREFIX.length + DISPLAY_CHARS),
    createdAt: now,
    expiresAt: days === undefined ? null : new Date(now.getTime() + days * DAY_MS),
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
  };
  await deps.transact(async ({ apiKeys, users, outbox }) => {
    const owner = await users.findById(userId);
    if (!owner || owner.disabled) throw new DomainError('not_found', 'This account no longer exists.');
    const live = (await apiKeys.listForUser(userId)).filter((k) => !isExpired(k, now));
    if (live.length >= MAX_ACTIVE_KEYS) {
      throw new DomainError(
        'conflict',
        `You already have ${MAX_ACTIVE_KEYS} API keys. Revoke keys you no longer use, then create this one.`,
      );
    }
    await apiKeys.insert(apiKey, hashToken(key));
    // A security notice: always sent, whatever the person's notification settings say.
    await outbox.enqueue({
      template: 'api-key-created',
      to: owner.email,
      data: {
        username: owner.username,
        keyName: apiKey.name,
        prefix: apiKey.prefix,
        when: formatExactWithZone(now, owner.preferences),
        expires: apiKey.expiresAt ? formatExactWithZone(apiKey.expiresAt, owner.preferences) : null,
        ip: meta.ip,
        manageUrl: `${deps.publicUrl}/account/api-keys`,
      },
    });
  });
  return { key, apiKey };
}

/** The user's live keys (expired ones included, so they can be told apart and revoked). */
export function listApiKeys(deps: { apiKeys: ApiKeyStore }, userId: string): Promise<ApiKey[]> {
  return deps.apiKeys.listForUser(userId);
}

/** Revokes one of the user's keys at once; another user's key answers as if it did not exist. */
export async function revokeApiKey(
  deps: { apiKeys: ApiKeyStore; clock: Clock },
  userId: string,
  id: string,
): Promise<void> {
  if (!(await deps.apiKeys.revoke(userId, id, deps.clock()))) {
    throw new DomainError('not_found', 'There is no such API key. It may have been revoked already.');
  }
}

/** True when the key has an expiry that has passed at `now`. */
export function isExpired(key: ApiKey, now: Date): boolean {
  return key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime();
}

export type ApiKeyCheck = { key: ApiKey; user: User } | { failure: string } | null;

/**
 * Resolves a presented API key to its owner. Unknown keys give null; a disabled owner, a revoked or an
 * expired key give a `failure` saying which. A use is recorded at most once a minute per key.
 */
export async function authenticateApiKey(
  deps: { apiKeys: ApiKeyStore; clock: Clock },
  token: string,
  meta: { ip: string | null },
): Promise<ApiKeyCheck> {
  const found = await findLiveApiKey(deps, token);
  if (found === null || 'failure' in found) return found;
  const now = deps.clock();
  const last = found.key.lastUsedAt?.getTime();
  if (last === undefined || now.getTime() - last >= TOUCH_EVERY_MS) {
    await deps.apiKeys.touch(found.key.id, now, meta.ip, new Date(now.getTime() - TOUCH_EVERY_MS));
  }
  return found;
}

/** Like authenticateApiKey, without recording a use. */
export async function findLiveApiKey(
  deps: { apiKeys: ApiKeyStore; clock: Clock },
  token: string,
): Promise<ApiKeyCheck> {
  if (!looksLikeApiKey(token)) return null;
  const found = await deps.apiKeys.findByHash(hashToken(token));
  if (!found) return null;
  const { key, user } = found;
  const now = deps.clock();
  if (user.disabled) {
    return { failure: `The account this API key belongs to (${user.username}) is disabled.` };
  }
  if (key.revokedAt) {
    return {
      failure: `This API key ("${key.name}", ${key.prefix}…) was revoked on ${day(key.revokedAt)}. Create a new key on your account page.`,
    };
  }
  if (isExpired(key, now) && key.expiresAt) {
    return {
      failure: `This API key ("${key.name}", ${key.prefix}…) expired on ${day(key.expiresAt)}. Create a new key on your account page.`,
    };
  }
  return found;
}

function day(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
