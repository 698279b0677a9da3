import pino, { type Logger } from 'pino';

const skipped = new Set(['level', 'time', 'service', 'msg', 'pid', 'hostname']);

/**
 * A pino logger for commands: a person reads it, so each entry becomes one plain line on stderr
 * ("migrations applied applied=0001-foundation") and stdout stays for the command's result.
 */
export function consoleLogger(level: string): Logger {
  return pino(
    { level, base: null, timestamp: false },
    {
      write(line: string) {
        const { msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const fields = Object.entries(rest)
          .filter(([key]) => !skipped.has(key))
          .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : formatValue(value)}`);
        process.stderr.write(`${[msg, ...fields].join(' ')}\n`);
      },
    },
  );
}

function formatValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
