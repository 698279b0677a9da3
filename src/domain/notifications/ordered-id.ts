/**
 * A UUIDv7-style id: the time in milliseconds first, then random bits. Rows inserted together get
 * neighbouring keys, so a batch appends to the primary-key B-tree instead of scattering over it —
 * on SQLite that is a large part of the cost of writing thousands of rows per transaction.
 */
export function orderedId(nowMs: number): string {
  const time = nowMs.toString(16).padStart(12, '0').slice(-12);
  const random = crypto.randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
