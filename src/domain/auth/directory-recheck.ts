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

/** A disable the directory re-check did: which provider no longer listed the user, and when. */
export interface DirectoryRemoval {
  readonly providerId: string;
  readonly removedAt: Date;
}

/** Disables done by the directory re-check, kept apart from an administrator's. */
export interface DirectoryRemovalStore {
  /** The re-check's disables standing among `userIds` (those an administrator has not overridden). */
  removalsOf(userIds: readonly string[]): Promise<ReadonlyMap<string, DirectoryRemoval>>;
  /** Disables an enabled user and records that `providerId` no longer lists them; false if already disabled. */
  disable(userId: string, providerId: string, now: Date): Promise<boolean>;
  /** Enables a user the re-check of `providerId` disabled; false for anyone else (an admin's disable). */
  reinstate(userId: string, providerId: string, now: Date): Promise<boolean>;
  /** Drops the record: an administrator decided on the account, and their decision stands. */
  forget(userId: string): Promise<void>;
}

/**
 * The right to run one provider's re-check, held by one replica at a time (a lease that expires, so a
 * crashed holder does not block the others for long). The adapter binds the provider and the holder.
 */
export interface RecheckLease {
  /** Takes the lease if nobody else holds an unexpired one (the holder itself may take it again). */
  claim(now: Date): Promise<boolean>;
  /** Extends the lease while a long run goes on; false when another replica has taken it meanwhile. */
  renew(now: Date): Promise<boolean>;
}

export interface DirectoryRecheckDeps {
  readonly clock: Clock;
  readonly candidates: RecheckCandidates;
  readonly lease: RecheckLease;
  readonly transact: Transact<{
    directoryRemovals: Pick<DirectoryRemovalStore, 'disable'>;
    sessions: Pick<SessionStore, 'deleteAllForUser'>;
  }>;
}

/**
 * The safety brake: a run that would disable more than `maxDisableFraction` of the users it checked,
 * and more than `brakeMinimum` of them, disables nobody. A wrong base DN or group, a filter that
 * suddenly matches nobody or a directory restored from an empty backup looks like everyone leaving.
 */
export interface RecheckBrake {
  /** 0–1; 1 turns the brake off. */
  readonly maxDisableFraction: number;
  /** Up to this many disables in one run always go through, whatever the share (a small studio). */
  readonly brakeMinimum: number;
}

export const defaultBrake: RecheckBrake = { maxDisableFraction: 0.2, brakeMinimum: 5 };

/** True when disabling `gone` of `checked` users in one run is too many to trust. */
export function brakeHolds(brake: RecheckBrake, gone: number, checked: number): boolean {
  return gone > brake.brakeMinimum && gone > brake.maxDisableFraction * checked;
}

export type RecheckOutcome =
  | { readonly status: 'done'; readonly checked: number; readonly disabled: readonly LinkedUser[] }
  /** The directory could not answer: nobody was disabled in this run. */
  | {
      readonly status: 'unreachable';
      readonly checked: number;
      readonly disabled: readonly [];
      readonly error: unknown;
    }
  /** The brake held: `gone` users the directory no longer lists, too many to believe; nobody was disabled. */
  | {
      readonly status: 'braked';
      readonly checked: number;
      readonly gone: number;
      readonly disabled: readonly [];
    }
  /** Another replica holds the lease (or took it over during a stalled run): this one changed nothing. */
  | { readonly status: 'busy'; readonly checked: number; readonly disabled: readonly [] }
  /** Shutting down before every batch was asked: nobody was disabled. */
  | { readonly status: 'stopped'; readonly checked: number; readonly disabled: readonly [] };

/**
 * Asks the directory about every user of it who could still use Concierge and disables those it no
 * longer lists (ending their sessions in the same transaction; their API keys are refused while the
 * account is disabled). All or nothing per run: the directory is asked about everyone first, and only
 * a complete, believable answer disables anyone. A directory that cannot answer (even for one batch),
 * or that would have too many people disabled at once (the brake), changes nothing: an outage or a
 * misconfiguration must not lock everyone out. One replica at a time runs it (the lease).
 */
export async function recheckDirectory(
  deps: DirectoryRecheckDeps,
  directory: DirectoryCheck,
  options: {
    readonly batchSize: number;
    readonly brake?: RecheckBrake;
    readonly stopping?: AbortSignal;
  },
): Promise<RecheckOutcome> {
  if (!(await deps.lease.claim(deps.clock()))) return { status: 'busy', checked: 0, disabled: [] };
  const gone: LinkedUser[] = [];
  let checked = 0;
  let after: string | null = null;
  for (let first = true; ; first = false) {
    if (options.stopping?.aborted) return { status: 'stopped', checked, disabled: [] };
    if (!first && !(await deps.lease.renew(deps.clock()))) return { status: 'busy', checked, disabled: [] };
    const batch = await deps.candidates.withLiveAccess(directory.id, deps.clock(), after, options.batchSize);
    if (batch.length === 0) break;
    let presence: ReadonlyMap<string, Presence>;
    try {
      presence = await directory.stillPresent(batch.map((u) => u.subject));
    } catch (error) {
      return { status: 'unreachable', checked, disabled: [], error };
    }
    // Only an explicit "gone" acts: a subject the directory did not answer for stays as it is.
    for (const user of batch) if (presence.get(user.subject) === 'gone') gone.push(user);
    checked += batch.length;
    after = batch[batch.length - 1]?.userId ?? null;
    if (batch.length < options.batchSize) break;
  }
  if (brakeHolds(options.brake ?? defaultBrake, gone.length, checked)) {
    return { status: 'braked', checked, gone: gone.length, disabled: [] };
  }
  if (gone.length > 0 && !(await deps.lease.renew(deps.clock()))) {
    return { status: 'busy', checked, disabled: [] };
  }
  const disabled: LinkedUser[] = [];
  for (const user of gone) {
    const now = deps.clock();
    const changed = await deps.transact(async ({ directoryRemovals, sessions }) => {
      if (!(await directoryRemovals.disable(user.userId, directory.id, now))) return false;
      await sessions.deleteAllForUser(user.userId);
      return true;
    });
    if (changed) disabled.push(user);
  }
  return { status: 'done', checked, disabled };
}
