/** A counter that moves whenever this replica may have changed what a cache holds. */
export interface WriteEpoch {
  current(): number;
}

export interface ReadCache<V> {
  /** The cached value for `key`, or `load()`'s (cached unless null, or written meanwhile). */
  get(key: string, load: () => Promise<V | null>, expiresAt?: (value: V) => number | null): Promise<V | null>;
}

/**
 * Reads reused for at most `ttlMs` (the time another replica's change takes to show here) and dropped
 * as soon as this replica writes (`epoch` moves). A value is not cached when a write happened while it
 * was being read. `ttlMs` 0 turns caching off. Bounded: past `maxEntries` it starts again empty.
 */
export function readCache<V>(options: {
  ttlMs: number;
  epoch: WriteEpoch;
  now?: () => number;
  maxEntries?: number;
}): ReadCache<V> {
  const { ttlMs, epoch } = options;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { value: V; epoch: number; until: number }>();
  return {
    async get(key, load, expiresAt) {
      if (ttlMs <= 0) return load();
      const at = epoch.current();
      const entry = entries.get(key);
      if (entry && entry.epoch === at && entry.until > now()) return entry.value;
      const value = await load();
      if (value === null || epoch.current() !== at) return value;
      if (entries.size >= maxEntries) entries.clear();
      const ends = expiresAt?.(value) ?? Number.POSITIVE_INFINITY;
      entries.set(key, { value, epoch: at, until: Math.min(now() + ttlMs, ends) });
      return value;
    },
  };
}
