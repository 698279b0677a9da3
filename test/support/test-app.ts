import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Dialect } from '../../src/adapters/db/database.js';
import { argon2Hasher } from '../../src/adapters/passwords/argon2-hasher.js';
import { compose } from '../../src/compose/compose.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { PasswordHasher } from '../../src/domain/auth/password-hasher.js';
import type { Clock } from '../../src/domain/shared/clock.js';
import { cleanup } from './cleanup.js';
import { freshDatabase } from './databases.js';

export const testOrigin = 'http://concierge.test';

/**
 * The engine `testApp()` uses when not told: `TEST_ACCOUNTS_ENGINE=postgres` for PostgreSQL, SQLite otherwise.
 * The `http-postgres` project of vitest.config.ts sets it, so every HTTP suite runs on both engines.
 */
export const defaultEngine: Dialect = process.env.TEST_ACCOUNTS_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** A whole Concierge (real adapters, a fresh database of `engine`, else `defaultEngine`) for `app.request()` tests. */
export async function testApp(
  options: {
    engine?: Dialect;
    config?: Record<string, unknown>;
    clock?: Clock;
    /** Wraps the real argon2 hasher (to count its work). */
    hasher?: (real: PasswordHasher) => PasswordHasher;
    /** Sees the SQL of every statement the app runs (migrations included). */
    onStatement?: (sql: string) => void;
  } = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'concierge-app-'));
  cleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const db = await freshDatabase(
    options.engine ?? defaultEngine,
    options.onStatement ? { onStatement: options.onStatement } : {},
  );
  const config: Config = parseConfig({
    dataDir,
    server: { publicUrl: testOrigin },
    database: { url: db.url },
    logging: { level: 'silent' },
    mail: { outbox: { maxAttempts: 3 } },
    ...options.config,
  });
  const logger = pino({ level: 'silent' });
  const parts = compose(config, db, {
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.hasher ? { hasher: options.hasher(argon2Hasher()) } : {}),
  });
  // Ends the SMTP pool's connections (mail.transport: smtp) with the test or file.
  cleanup(() => parts.transport.close());
  return { ...parts, db, config, dataDir, request: jsonRequester(parts.app) };
}

type Fetchable = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** `request(method, path, body?, headers?)` sending JSON with the service's own Origin. */
export function jsonRequester(app: Fetchable) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { origin: testOrigin, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await app.request(`${testOrigin}${path}`, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response bodies
    return { status: res.status, headers: res.headers, text, json: json as any };
  };
}
