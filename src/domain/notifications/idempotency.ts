import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { DomainError } from '../shared/errors.js';
import type { IncomingEvent } from './ingest-ports.js';

/** The SHA-256 of what an event says, so a retried post can be told from a reused key. */
export function contentHash(e: IncomingEvent): string {
  const canonical = JSON.stringify([
    e.type,
    [...new Set(e.recipients)].sort(),
    e.title,
    e.body ?? null,
    e.url ?? null,
    e.actor ?? null,
    e.project ?? null,
    e.occurredAt ? e.occurredAt.getTime() : null,
  ]);
  return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}

/** 409: a key already stored (or earlier in the batch) with other content. */
export function idempotencyConflict(key: string): DomainError {
  return new DomainError(
    'idempotency_conflict',
    `The idempotencyKey "${key.slice(0, 200)}" was already used for an event with other content. Use a new key for a new event; nothing of this batch was stored.`,
  );
}

/** Indexes of the first occurrence of each key; a repeat with other content is a conflict. */
export function dedupeBatch(events: readonly IncomingEvent[], hashes: readonly string[]) {
  const seen = new Map<string, string>();
  const firsts: number[] = [];
  let repeated = 0;
  events.forEach((e, i) => {
    const prior = seen.get(e.idempotencyKey);
    if (prior === undefined) {
      seen.set(e.idempotencyKey, hashes[i]!);
      firsts.push(i);
    } else if (prior === hashes[i]) repeated++;
    else throw idempotencyConflict(e.idempotencyKey);
  });
  return { firsts, repeated };
}
