import type { CredentialCapabilities } from '../auth/credential-policy.js';
import type { DirectoryRemoval, DirectoryRemovalStore } from '../auth/directory-recheck.js';
import { writePasswordLink } from '../auth/password-reset.js';
import type { SessionStore } from '../auth/sessions.js';
import type { Outbox } from '../mail/email.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, type FieldIssue } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import type { AccountStore, AccountTokenStore, UserChanges, UserListQuery } from './account-ports.js';
import { type CreateUserDeps, type NewUserInput, prepareLocalUser, type UserWriter } from './create-user.js';
import { assertNoIssues, cleanName, emailProblem, nameProblem, usernameProblem } from './profile-rules.js';
import { identityKey, type Role, type User } from './user.js';

type AdminStores = {
  accounts: AccountStore;
  users: UserWriter;
  accountTokens: AccountTokenStore;
  sessions: Pick<SessionStore, 'deleteAllForUser'>;
  directoryRemovals: Pick<DirectoryRemovalStore, 'forget'>;
  outbox: Outbox;
};

export interface AdminDeps extends CreateUserDeps {
  readonly accounts: Pick<AccountStore, 'findById' | 'list' | 'aliases'>;
  /** The directory re-check's disables, to tell administrators why an account is disabled. */
  readonly removals: Pick<DirectoryRemovalStore, 'removalsOf'>;
  readonly capabilities: (user: User) => CredentialCapabilities;
  readonly transact: Transact<AdminStores>;
  readonly publicUrl: string;
  readonly clock: Clock;
}

export interface AdminUserPatch {
  readonly username?: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly role?: Role;
  readonly disabled?: boolean;
}

const notFound = () => new DomainError('not_found', 'There is no such user.');

/** Users matching the search, a page at a time. */
export function listUsers(deps: Pick<AdminDeps, 'accounts'>, query: UserListQuery) {
  return deps.accounts.list(query);
}

/** One user with their former usernames; unknown id → not_found. */
export async function getUser(deps: Pick<AdminDeps, 'accounts'>, id: string) {
  const user = await deps.accounts.findById(id);
  if (!user) throw notFound();
  return { user, aliases: await deps.accounts.aliases(id) };
}

/**
 * Why a disabled account is disabled: the directory re-check (the provider whose directory no longer
 * listed the user, and when), or an administrator (whose decision replaces the re-check's record).
 */
export type DisabledReason =
  | ({ readonly by: 'directory' } & DirectoryRemoval)
  | { readonly by: 'administrator' };

/** The reason of each disabled user among `users`, by user id (enabled users have none). */
export async function disabledReasons(
  deps: Pick<AdminDeps, 'removals'>,
  users: readonly User[],
): Promise<ReadonlyMap<string, DisabledReason>> {
  const disabled = users.filter((u) => u.disabled).map((u) => u.id);
  const reasons = new Map<string, DisabledReason>();
  if (disabled.length === 0) return reasons;
  const removals = await deps.removals.removalsOf(disabled);
  for (const id of disabled) {
    const removal = removals.get(id);
    reasons.set(id, removal ? { by: 'directory', ...removal } : { by: 'administrator' });
  }
  return reasons;
}

/** Creates a local user; without a password the user is emailed an invitation link to set one. */
export async function adminCreateUser(deps: AdminDeps, admin: { username: string }, input: NewUserInput) {
  const { user, passwordHash } = await prepareLocalUser(deps, input);
  await deps.transact(async (stores) => {
    const owner = await stores.accounts.aliasOwner(identityKey(user.username));
    if (owner !== null) throw usernameTaken();
    await stores.users.insert(user, passwordHash);
    if (passwordHash === null) await writePasswordLink(stores, deps, user, 'invitation', admin.username);
  });
  return user;
}

const usernameTaken = () =>
  new DomainError(
    'username_taken',
    'This username is taken (or was recently used by someone). Choose another.',
  );

/**
 * Changes a user as an administrator. A new username keeps the old one as an alias that still signs
 * in; disabling ends the user's sessions at once; the last active administrator can be neither
 * disabled nor demoted.
 */
export async function adminUpdateUser(deps: AdminDeps, id: string, patch: AdminUserPatch): Promise<User> {
  const issues: FieldIssue[] = [];
  const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = {};
  if (patch.username !== undefined) {
    const username = patch.username.normalize('NFC').trim();
    const problem = usernameProblem(username);
    if (problem) issues.push({ field: 'username', message: problem });
    changes.username = username;
  }
  if (patch.email !== undefined) {
    const email = patch.email.normalize('NFC').trim();
    const problem = emailProblem(email);
    if (problem) issues.push({ field: 'email', message: problem });
    changes.email = email;
  }
  for (const field of ['firstName', 'lastName'] as const) {
    if (patch[field] === undefined) continue;
    const clean = cleanName(patch[field]);
    const problem = nameProblem(clean);
    if (problem) issues.push({ field, message: problem });
    changes[field] = clean;
  }
  if (patch.role !== undefined) changes.role = patch.role;
  if (patch.disabled !== undefined) changes.disabled = patch.disabled;
  assertNoIssues(issues);
  const now = deps.clock();
  return deps.transact(async ({ accounts, sessions, directoryRemovals }) => {
    const user = await accounts.findById(id);
    if (!user) throw notFound();
    const losesAdmin =
      user.role === 'admin' && !user.disabled && (changes.role === 'user' || changes.disabled === true);
    if (losesAdmin) {
      const admins = await accounts.lockActiveAdmins();
      if (admins.filter((a) => a !== user.id).length === 0) {
        throw new DomainError(
          'last_admin',
          `${user.username} is the last active administrator. Make someone else an administrator first.`,
        );
      }
    }
    await assertNotHeldByOthers(accounts, user, changes);
    if (changes.username !== undefined) await renameKeys(accounts, user, changes.username, now);
    const updated = await accounts.update(user.id, changes, now);
    if (changes.disabled === true) await sessions.deleteAllForUser(user.id);
    // An administrator's enable or disable replaces the directory re-check's: a later sign-in through
    // the directory must not undo what an administrator decided.
    if (changes.disabled !== undefined) await directoryRemovals.forget(user.id);
    return updated;
  });
}

/**
 * Refuses a username or email another account holds, naming that account: unlike a user editing their
 * own profile, an administrator may see it and can rename or change it first. The unique keys of the
 * users table still catch a change committed in between.
 */
async function assertNotHeldByOthers(accounts: AccountStore, user: User, changes: UserChanges) {
  if (changes.username !== undefined) {
    // Usernames hold no "@", so this finds a current or former username, never an email.
    const holder = await accounts.findBySignInName(changes.username);
    if (holder && holder.id !== user.id) {
      const current = identityKey(holder.username) === identityKey(changes.username);
      throw new DomainError(
        'username_taken',
        current
          ? `The username ${changes.username} belongs to ${holder.username}. Choose another, or rename ${holder.username} first.`
          : `${changes.username} is a former username of ${holder.username} and still signs them in. Choose another.`,
      );
    }
  }
  if (changes.email !== undefined && identityKey(changes.email) !== identityKey(user.email)) {
    const holder = await accounts.findBySignInName(changes.email);
    if (holder && holder.id !== user.id) {
      throw new DomainError(
        'email_taken',
        `${holder.username} already uses the email address ${changes.email}. Choose another, or change ${holder.username}'s address first.`,
      );
    }
  }
}

async function renameKeys(accounts: AccountStore, user: User, username: string, now: Date) {
  const oldKey = identityKey(user.username);
  const newKey = identityKey(username);
  if (oldKey === newKey) return;
  const owner = await accounts.aliasOwner(newKey);
  if (owner !== null && owner !== user.id) throw usernameTaken();
  if (owner === user.id) await accounts.removeAlias(newKey);
  await accounts.addAlias(user.id, oldKey, now);
}

/** Emails a user a password-reset link on an administrator's request (local accounts only). */
export async function adminSendReset(deps: AdminDeps, id: string): Promise<void> {
  const user = await deps.accounts.findById(id);
  if (!user) throw notFound();
  const capabilities = deps.capabilities(user);
  if (!capabilities.resetPassword) {
    throw new DomainError(
      'password_managed_externally',
      `${user.username} signs in with ${capabilities.providerName}, which manages their password; Concierge cannot reset it. Contact ${capabilities.contact}.`,
    );
  }
  if (user.disabled) {
    throw new DomainError(
      'conflict',
      `${user.username} is disabled. Enable the account before sending a reset link.`,
    );
  }
  await deps.transact((stores) => writePasswordLink(stores, deps, user, 'reset', null));
}
