import type { Clock } from '../shared/clock.js';
import type { Transact } from '../shared/transaction.js';
import type { SessionStore } from './sessions.js';

/** What a directory says of one of its former sign-ins. */
export type Presence = 'present' | 'gone';

/**
 * A directory (LDAP) asked whether people who signed in through it are still there and still in the
 * group that may sign in.
 */
export interface DirectoryCheck {
  /** The provider id of the directory, as stored with its users. */
  readonly id: string;
  /**
   * For each subject (the stored entryUUID, hex id or DN): `present` when the entry exists under the
   * user base and is in the configured group, `gone` when the directory answers that it is not. Throws
   * when the directory cannot be reached or answers with an error: then nobody's presence is known.
   */
  stillPresent(subjects: readonly string[]): Promise<ReadonlyMap<string, Presence>>;
}

/** A Concierge user linked to an account of an external provider. */
export interface LinkedUser {
  readonly userId: string;
  readonly username: string;
  readonly subject: string;
}

/** The users worth re-checking: those who could still use Concierge right now. */
export interface RecheckCandidates {
  /**
   * Enabled users of `providerId`, linked to an account there, holding a live session or an unrevoked,
   * unexpired API key; at most `limit`, ordered by user id, after `afterUserId`.
   */
  withLiveAccess(
    providerId: string,
    now: Date,
    afterUserId: string | null,
    limit: number,
  ): Promise<readonly LinkedUser[]>;
}

/** Disables done by the directory re-check, kept apart from an administrator's. */
export interface DirectoryRemovalStore {
  /** Disables an enabled user and records that `providerId` no longer lists them; false if already disabled. */
  disable(userId: string, providerId: string, now: Date): Promise<boolean>;
  /** Enables a user the re-check of `providerId` disabled; false for anyone else (an admin's disable). */
  reinstate(userId: string, providerId: string, now: Date): Promise<boolean>;
  /** Drops the record: an administrator decided on the account, and their decision stands. */
  forget(userId: string): Promise<void>;
}

export interface DirectoryRecheckDeps {
  readonly clock: Clock;
  readonly candidates: RecheckCandidates;
  readonly transact: Transact<{
    directoryRemovals: Pick<DirectoryRemovalStore, 'disable'>;
    sessions: Pick<SessionStore, 'deleteAllForUser'>;
  }>;
}

export type RecheckOutcome =
  | { readonly status: 'done'; readonly checked: number; readonly disabled: readonly LinkedUser[] }
  /** The directory could not answer: the batch that failed changed nothing, later ones were not run. */
  | {
      readonly status: 'unreachable';
      readonly checked: number;
      readonly disabled: readonly LinkedUser[];
      readonly error: unknown;
    }
  | { readonly status: 'stopped'; readonly checked: number; readonly disabled: readonly LinkedUser[] };

/**
 * Asks the directory about every user of it who could still use Concierge and disables those it no
 * longer lists (ending their sessions in the same transaction; their API keys are refused while the
 * account is disabled). A directory that cannot answer changes nothing: an outage must not lock
 * everyone out.
 */
export async function recheckDirectory(
  deps: DirectoryRecheckDeps,
  directory: DirectoryCheck,
  options: { readonly batchSize: number; readonly stopping?: AbortSignal },
): Promise<RecheckOutcome> {
  const disabled: LinkedUser[] = [];
  let checked = 0;
  let after: string | null = null;
  for (;;) {
    if (options.stopping?.aborted) return { status: 'stopped', checked, disabled };
    const batch = await deps.candidates.withLiveAccess(directory.id, deps.clock(), after, options.batchSize);
    if (batch.length === 0) return { status: 'done', checked, disabled };
    let presence: ReadonlyMap<string, Presence>;
    try {
      presence = await directory.stillPresent(batch.map((u) => u.subject));
    } catch (error) {
      return { status: 'unreachable', checked, disabled, error };
    }
    for (const user of batch) {
      // Only an explicit "gone" acts: a subject the directory did not answer for stays as it is.
      if (presence.get(user.subject) !== 'gone') continue;
      const now = deps.clock();
      const changed = await deps.transact(async ({ directoryRemovals, sessions }) => {
        if (!(await directoryRemovals.disable(user.userId, directory.id, now))) return false;
        await sessions.deleteAllForUser(user.userId);
        return true;
      });
      if (changed) disabled.push(user);
    }
    checked += batch.length;
    after = batch[batch.length - 1]?.userId ?? null;
    if (batch.length < options.batchSize) return { status: 'done', checked, disabled };
  }
}
