import { Cron } from 'croner';
import type { Logger } from 'pino';
import {
  type DirectoryCheck,
  type DirectoryRecheckDeps,
  defaultBrake,
  type RecheckBrake,
  type RecheckOutcome,
  recheckDirectory,
} from '../domain/auth/directory-recheck.js';
import type { Job } from './scheduler.js';

/**
 * On `schedule` (the LDAP provider's `recheck.schedule`, every 15 minutes by default), disables the
 * users the directory no longer lists (see recheckDirectory). Every replica schedules it; the lease
 * lets one of them run each time.
 */
export function directoryRecheckJob(
  deps: DirectoryRecheckDeps & {
    readonly logger: Logger;
    /** Counts a run the safety brake stopped (a metric), by provider id. */
    readonly onBrake?: (providerId: string) => void;
  },
  directory: DirectoryCheck,
  options: { readonly schedule: string; readonly batchSize?: number; readonly brake?: RecheckBrake },
): Job & { runOnce(stopping?: AbortSignal): Promise<RecheckOutcome> } {
  const job = `directory-recheck:${directory.id}`;
  const brake = options.brake ?? defaultBrake;
  const runOnce = async (stopping?: AbortSignal): Promise<RecheckOutcome> => {
    const outcome = await recheckDirectory(deps, directory, {
      batchSize: options.batchSize ?? 100,
      brake,
      ...(stopping ? { stopping } : {}),
    });
    // One line per person, so an administrator can tell from the log why an account got disabled.
    for (const user of outcome.disabled) {
      deps.logger.info(
        { job, provider: directory.id, userId: user.userId, username: user.username },
        'disabled: no longer in the directory or its group; sessions ended, API keys refused',
      );
    }
    if (outcome.status === 'unreachable') {
      deps.logger.warn(
        { job, provider: directory.id, err: outcome.error, checked: outcome.checked },
        'directory re-check could not ask the directory; nobody was disabled, trying again next run',
      );
    }
    if (outcome.status === 'braked') {
      deps.onBrake?.(directory.id);
      deps.logger.error(
        {
          job,
          provider: directory.id,
          checked: outcome.checked,
          wouldDisable: outcome.gone,
          maxDisableFraction: brake.maxDisableFraction,
          brakeMinimum: brake.brakeMinimum,
        },
        `directory re-check of ${directory.id} stopped by its safety brake: the directory no longer lists ` +
          `${outcome.gone} of the ${outcome.checked} users checked, too many to be people leaving, so nobody ` +
          "was disabled. Check the provider's userBase, userFilter, group.dn and attributes.subject, and that the " +
          'directory holds its people; if they really left, raise recheck.maxDisableFraction for one run or ' +
          'disable them in /api/v1/admin/users',
      );
    }
    return outcome;
  };
  return {
    name: job,
    schedule: options.schedule,
    run: async (stopping) => {
      await runOnce(stopping);
    },
    runOnce,
  };
}

/**
 * How long a re-check run holds its lease (renewed every batch): half the time between two runs of
 * `schedule`, at most 5 minutes. Long enough that replicas whose clocks differ a little do not each
 * run the same tick; short enough that a crashed holder has let go before the next tick.
 */
export function recheckLeaseMs(schedule: string): number {
  const [a, b] = new Cron(schedule, { paused: true }).nextRuns(2);
  const interval = a && b ? b.getTime() - a.getTime() : 15 * 60_000;
  return Math.max(1000, Math.min(5 * 60_000, Math.floor(interval / 2)));
}
