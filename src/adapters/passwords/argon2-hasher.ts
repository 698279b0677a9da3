import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../domain/auth/password-hasher.js';
import { concurrencyLimit } from '../shared/concurrency-limit.js';

// DESIGN.md: argon2id, m = 19456 KiB, t = 2, p = 1 (the OWASP baseline).
const params = {
  algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable under verbatimModuleSyntax */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * argon2id on the libuv pool. At most `concurrency` hashes run at once: the pool is shared with file
 * and DNS work, and a sign-in storm must not starve them.
 */
export function argon2Hasher(concurrency = 2): PasswordHasher {
  const limit = concurrencyLimit(concurrency);
  return {
    hash: (password) => limit(() => hash(password, params)),
    verify: (stored, password) =>
      limit(async () => {
        try {
          return await verify(stored, password);
        } catch {
          return false;
        }
      }),
  };
}
