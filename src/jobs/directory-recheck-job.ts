import type { Logger } from 'pino';
import {
  type DirectoryCheck,
  type DirectoryRecheckDeps,
  type RecheckOutcome,
  recheckDirectory,
} from '../domain/auth/directory-recheck.js';
import type { Job } from './scheduler.js';

/**
 * On `schedule` (the LDAP provider's `recheck.schedule`, every 15 minutes by default), disables the
 * users the directory no longer lists (see recheckDirectory). Idempotent: every replica may run it.
 */
export function directoryRecheckJob(
  deps: DirectoryRecheckDeps & { readonly logger: Logger },
  directory: DirectoryCheck,
  options: { readonly schedule: string; readonly batchSize?: number },
): Job & { runOnce(stopping?: AbortSignal): Promise<RecheckOutcome> } {
  const job = `directory-recheck:${directory.id}`;
  const runOnce = async (stopping?: AbortSignal): Promise<RecheckOutcome> => {
    const outcome = await recheckDirectory(deps, directory, {
      batchSize: options.batchSize ?? 100,
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
        'directory re-check could not ask the directory; nobody else was changed, trying again next run',
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
