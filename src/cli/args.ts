import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A mistake in how the command was called: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, its errors turned into UsageError; no positionals allowed. */
export function parseOptions<T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** The value of a required string option, or a UsageError naming it. */
export function required(command: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new UsageError(`${command}: --${name} is required`);
  return value;
}
