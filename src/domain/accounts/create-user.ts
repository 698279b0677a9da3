import type { PasswordHasher } from '../auth/password-hasher.js';
import { assertPasswordAllowed, type PasswordPolicy } from '../auth/password-policy.js';
import type { Outbox } from '../mail/email.js';
import type { Clock } from '../shared/clock.js';
import type { FieldIssue } from '../shared/errors.js';
import { newId } from '../shared/tokens.js';
import type { Transact } from '../shared/transaction.js';
import { assertNoIssues, cleanName, emailProblem, nameProblem, usernameProblem } from './profile-rules.js';
import { defaultPreferences, type Role, type User } from './user.js';

/** Writes new users; refuses a taken username or email with `username_taken` / `email_taken`. */
export interface UserWriter {
  insert(user: User, passwordHash: string | null): Promise<void>;
}

export interface NewUserInput {
  readonly username: string;
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly role?: Role;
  /** Absent: the account has no password until one is set through a link. */
  readonly password?: string;
}

export interface CreateUserDeps {
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly passwordPolicy: PasswordPolicy;
  /** Id of the local provider new accounts belong to. */
  readonly localProviderId: string;
}

/** Checks every field of a new local user and returns the user to insert (not yet stored). */
export async function prepareLocalUser(
  deps: CreateUserDeps,
  input: NewUserInput,
): Promise<{ user: User; passwordHash: string | null }> {
  const username = input.username.normalize('NFC').trim();
  const email = input.email.normalize('NFC').trim();
  const firstName = cleanName(input.firstName ?? '');
  const lastName = cleanName(input.lastName ?? '');
  const issues: FieldIssue[] = [];
  const check = (field: string, message: string | null) => {
    if (message) issues.push({ field, message });
  };
  check('username', usernameProblem(username));
  check('email', emailProblem(email));
  check('firstName', nameProblem(firstName));
  check('lastName', nameProblem(lastName));
  assertNoIssues(issues);
  if (input.password !== undefined)
    assertPasswordAllowed(input.password, deps.passwordPolicy, { username, email });
  const now = deps.clock();
  const user: User = {
    id: newId(),
    username,
    email,
    firstName,
    lastName,
    role: input.role ?? 'user',
    disabled: false,
    providerId: deps.localProviderId,
    avatarKey: null,
    preferences: defaultPreferences,
    createdAt: now,
    updatedAt: now,
  };
  const passwordHash = input.password === undefined ? null : await deps.hasher.hash(input.password);
  return { user, passwordHash };
}

/** Creates a local user (CLI, administrators); the password, when given, must meet the policy. */
export async function createLocalUser(
  deps: CreateUserDeps & { transact: Transact<{ users: UserWriter; outbox: Outbox }> },
  input: NewUserInput,
): Promise<User> {
  const { user, passwordHash } = await prepareLocalUser(deps, input);
  await deps.transact(({ users }) => users.insert(user, passwordHash));
  return user;
}
