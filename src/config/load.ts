import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type Config, configSchema } from './schema.js';

/** Thrown when configuration is unusable; `problems` has one line per bad key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export const defaultConfigPath = fileURLToPath(new URL('../../config/default.yaml', resolveRoot()));

function resolveRoot(): string {
  // Compiled files live one folder deeper (dist/src/config) than the sources (src/config): resolve
  // from one folder up so that the same relative path reaches <root>/config.
  const here = import.meta.url;
  return here.includes('/dist/src/') ? new URL('../', here).href : here;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads default.yaml, the file named by CONCIERGE_CONFIG and the environment overrides, then validates. */
export function loadConfig(env: Env = process.env, overrides: Record<string, unknown> = {}): Config {
  const problems: string[] = [];
  const base = readYaml(defaultConfigPath, problems);
  const extraPath = env.CONCIERGE_CONFIG;
  const extra = extraPath ? readYaml(extraPath, problems) : {};
  if (problems.length > 0) throw new ConfigError(problems);
  let merged = deepMerge(base, extra);
  if (env.PORT !== undefined) merged = deepMerge(merged, { server: { port: env.PORT } });
  if (env.DATABASE_URL) merged = deepMerge(merged, { database: { url: env.DATABASE_URL } });
  merged = deepMerge(merged, overrides);
  const interpolated = interpolate(merged, env, [], problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return parseConfig(interpolated);
}

/** Validates an already merged object; throws ConfigError naming each bad key. */
export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues));
  const ids = result.data.providers.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ConfigError([`providers: the id "${dup}" is used twice; provider ids must be unique`]);
  return Object.freeze(result.data);
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') return `${path}: unknown key(s) ${issue.keys.join(', ')}`;
    return `${path}: ${issue.message}`;
  });
}

function readYaml(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  try {
    const value: unknown = parseYaml(text) ?? {};
    if (!isPlainObject(value)) {
      problems.push(`${path}: expected a YAML mapping at the top level`);
      return {};
    }
    return value;
  } catch (error) {
    problems.push(`${path}: is not valid YAML (${(error as Error).message.split('\n')[0]})`);
    return {};
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars from `over` replace those of `base`. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function interpolate(value: unknown, env: Env, path: string[], problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        problems.push(`${path.join('.')}: environment variable ${name} is not set`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, String(i)], problems));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...path, k], problems)]),
    );
  }
  return value;
}
