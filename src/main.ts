import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from 'pino';
import { type Db, openDatabase } from './adapters/db/database.js';
import { migrateToLatest } from './adapters/db/migrate.js';
import { createLogger } from './adapters/logging/logger.js';
import { compose } from './compose/compose.js';
import { providerProblem } from './compose/identity.js';
import { ConfigError, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { type Scheduler, startScheduler } from './jobs/scheduler.js';

// The process: configuration, database, the HTTP server and the jobs; src/compose wires the parts.

/** Loads configuration or exits 1 with one line per bad key. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`concierge: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Opens the database and applies migrations, or exits 1 with a message saying what failed. The server
 * asks for background checkpoints (SQLite); short command-line runs do without.
 */
export async function openMigratedOrExit(
  config: Config,
  logger: Logger,
  options: { backgroundCheckpoints?: boolean } = {},
): Promise<Db> {
  try {
    const db = await openDatabase(config.database.url, { poolSize: config.database.poolSize, ...options });
    try {
      const applied = await migrateToLatest(db);
      if (applied.length > 0) logger.info({ applied, database: db.label }, 'migrations applied');
    } catch (error) {
      await db.close();
      throw error;
    }
    return db;
  } catch (error) {
    process.stderr.write(`concierge: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

/** `npm start`: serve HTTP, run the jobs, stop cleanly on SIGTERM/SIGINT. */
export async function startServer(): Promise<void> {
  const config = loadConfigOrExit();
  const badProvider = providerProblem(config);
  if (badProvider) {
    process.stderr.write(`concierge: invalid configuration:\n  ${badProvider}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logging.level);
  if (config.mail.transport === 'file') {
    logger.warn(
      { dir: join(config.dataDir, 'mail') },
      'mail.transport is file: emails are written to disk, not sent',
    );
  }
  const db = await openMigratedOrExit(config, logger, { backgroundCheckpoints: true });
  const parts = compose(config, db, { logger });
  const server = createServer(
    parts.listener(getRequestListener(parts.app.fetch, { hostname: config.server.host })),
  );
  server.listen(config.server.port, config.server.host, () =>
    logger.info(
      { port: (server.address() as AddressInfo).port, database: db.label, publicUrl: parts.publicUrl },
      'concierge listening',
    ),
  );
  const scheduler: Scheduler = startScheduler(parts.jobs, { logger, onRun: parts.metrics.jobRun });
  const setupToken = await parts.issueSetupToken();
  if (setupToken) {
    logger.warn(
      { setupUrl: `${parts.publicUrl}/setup?token=${setupToken}` },
      'no administrator yet: open the setup link (valid 1 hour) to create one',
    );
    process.stdout.write(
      `\nFirst run: create the administrator at ${parts.publicUrl}/setup?token=${setupToken}\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight and the running job step');
    const timer = setTimeout(() => {
      logger.error('grace period over; exiting');
      process.exit(1);
    }, config.server.shutdownGraceMs);
    timer.unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await scheduler.stop();
    parts.transport.close();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.main) await startServer();
