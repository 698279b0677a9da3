import { loadConfigOrExit, openMigratedOrExit } from '../main.js';
import { parseOptions } from './args.js';
import { consoleLogger } from './console-logger.js';

/** `concierge migrate`: applies pending migrations (start-up does the same) and exits. */
export async function migrate(args: readonly string[]): Promise<number> {
  parseOptions('migrate', args, {});
  const config = loadConfigOrExit();
  // The migrations applied are this command's result: report them whatever logging.level says.
  const db = await openMigratedOrExit(config, consoleLogger('info'));
  await db.close();
  process.stdout.write(`database schema is current (${db.label})\n`);
  return 0;
}
