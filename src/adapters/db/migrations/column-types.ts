import type { Dialect } from '../database.js';

/** Column types that read back the same on both engines (see schema.ts). */
export function columnTypes(dialect: Dialect) {
  return {
    /** epoch milliseconds */
    time: dialect === 'postgres' ? ('bigint' as const) : ('integer' as const),
    int: 'integer' as const,
    text: 'text' as const,
  };
}
