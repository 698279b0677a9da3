import { usersStore } from '../adapters/db/users-store.js';
import { parseOptions, UsageError } from './args.js';
import { consoleLogger } from './console-logger.js';

const command = 'digest run';

/**
 * `concierge digest run [--user U] [--now ISO]`: runs due digests once, through the same code as the
 * job. `--user` (username, email or id) runs that user's digest whether or not it is due; `--now`
 * decides who is due, what is included and the next slots as if it were that instant, while the
 * emails go out now (an operator trying "tomorrow at 08:00" sees tomorrow's digest arrive today).
 */
export async function digestRun(args: readonly string[]): Promise<number> {
  const values = parseOptions(command, args, { user: { type: 'string' }, now: { type: 'string' } });
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.now) || Number.isNaN(now.getTime())) {
      throw new UsageError(`${command}: --now expects an ISO 8601 instant, e.g. 2026-11-28T08:00:00Z`);
    }
  }
  if (values.user !== undefined && values.user.trim().length === 0) {
    throw new UsageError(`${command}: --user needs a username, email or id`);
  }

  // Loaded only now, so that a usage error answers without loading the whole service.
  const { compose } = await import('../compose/compose.js');
  const { loadConfigOrExit, openMigratedOrExit } = await import('../main.js');
  const config = loadConfigOrExit();
  const logger = consoleLogger(config.logging.level);
  const db = await openMigratedOrExit(config, logger);
  const parts = compose(config, db, { logger });
  try {
    let userId: string | undefined;
    if (values.user !== undefined) {
      const users = usersStore(db.kysely);
      const user = (await users.findByIdentifier(values.user)) ?? (await users.findById(values.user));
      if (!user) {
        process.stderr.write(`concierge: no user "${values.user}" (give a username, email or id)\n`);
        return 1;
      }
      userId = user.id;
    }
    const report = await parts.digests.job.runOnce({
      ...(userId === undefined ? {} : { userId }),
      ...(now === undefined ? {} : { asOf: now }),
    });
    process.stdout.write(
      `digests: ${report.sent} sent, ${report.empty} with nothing unread, ${report.skipped} skipped, ` +
        `${report.failed} failed; ${report.scheduled} schedules updated\n`,
    );
    return report.failed > 0 ? 1 : 0;
  } finally {
    parts.transport.close();
    await db.close();
  }
}
