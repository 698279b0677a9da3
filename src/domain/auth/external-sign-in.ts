import type { UserWriter } from '../accounts/create-user.js';
import { cleanName, emailProblem, nameProblem, usernameProblem } from '../accounts/profile-rules.js';
import { defaultPreferences, identityKey, type User } from '../accounts/user.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/tokens.js';
import type { Transact } from '../shared/transaction.js';
import type { DirectoryRemovalStore } from './directory-recheck.js';
import type { ExternalIdentity } from './external-identity.js';

/** What the administrator configured for one external provider's first sign-ins. */
export interface ExternalSignInPolicy {
  readonly providerId: string;
  readonly displayName: string;
  /** true: anyone the provider accepts gets an account; a list: only those email/`hd` domains. */
  readonly autoCreate: boolean | readonly string[];
  /** A first sign-in may attach to an existing user with the same verified email address. */
  readonly linkByEmail: boolean;
  /** Whom users are told to ask (the provider's contact, else support.contact). */
  readonly contact: string;
  /** The provider also owns the username (a directory); else only an administrator changes it here. */
  readonly syncUsername: boolean;
}

export interface ExternalAccountKey {
  readonly providerId: string;
  readonly issuer: string;
  readonly subject: string;
}

/** Links between an external account (provider + issuer + subject) and a Concierge user. */
export interface ExternalIdentityStore {
  findUserId(key: ExternalAccountKey): Promise<string | null>;
  link(key: ExternalAccountKey, userId: string, now: Date): Promise<void>;
  touch(key: ExternalAccountKey, now: Date): Promise<void>;
  /** The external account of a user at a provider, or null. */
  findForUser(userId: string, providerId: string): Promise<ExternalAccountKey | null>;
  /** Overwrites the synced profile fields of a user. */
  refreshProfile(
    userId: string,
    fields: Pick<User, 'username' | 'email' | 'firstName' | 'lastName'>,
    now: Date,
  ): Promise<void>;
}

export interface UserLookup {
  findById(id: string): Promise<User | null>;
  /** By username or email, case-insensitively. */
  findByIdentifier(identifier: string): Promise<User | null>;
}

export interface ExternalSignInDeps {
  readonly clock: Clock;
  readonly transact: Transact<{
    users: UserLookup & UserWriter;
    identities: ExternalIdentityStore;
    directoryRemovals: Pick<DirectoryRemovalStore, 'reinstate'>;
  }>;
}

/**
 * Resolves a verified external identity to a Concierge user: by provider + issuer + subject only,
 * never by email unless the provider links by verified email. Refreshes synced fields; creates the user
 * on first sign-in where the policy allows it; re-enables a user only the directory re-check disabled.
 */
export async function signInWithExternalIdentity(
  deps: ExternalSignInDeps,
  policy: ExternalSignInPolicy,
  identity: ExternalIdentity,
): Promise<User> {
  const key: ExternalAccountKey = {
    providerId: policy.providerId,
    issuer: identity.issuer,
    subject: identity.subject,
  };
  const now = deps.clock();
  return deps.transact(async ({ users, identities, directoryRemovals }) => {
    const linkedId = await identities.findUserId(key);
    if (linkedId) {
      let user = await users.findById(linkedId);
      if (!user) throw refused(policy, 'Your account could not be found.');
      // The provider vouched for them again (back in the directory and its group): undo the directory
      // re-check's disable. An administrator's disable has no such record and stands.
      if (user.disabled && (await directoryRemovals.reinstate(user.id, policy.providerId, now))) {
        user = { ...user, disabled: false, updatedAt: now };
      }
      assertEnabled(user, policy);
      await identities.touch(key, now);
      return refresh(users, identities, policy, user, identity, now);
    }
    if (policy.linkByEmail && identity.emailVerified && emailProblem(identity.email) === null) {
      const existing = await users.findByIdentifier(identity.email);
      if (existing && identityKey(existing.email) === identityKey(identity.email)) {
        assertEnabled(existing, policy);
        await identities.link(key, existing.id, now);
        return existing;
      }
    }
    if (!mayCreate(policy, identity)) {
      throw refused(
        policy,
        `There is no Concierge account for ${identity.email || identity.username} yet, and accounts from ${policy.displayName} are not created automatically${identity.domain ? ` for ${identity.domain}` : ''}. Ask ${policy.contact} to create or link your account.`,
      );
    }
    const email = identity.email.normalize('NFC').trim();
    if (emailProblem(email) !== null) {
      throw refused(
        policy,
        `${policy.displayName} did not give Concierge a usable email address for you. Ask ${policy.contact} to add one.`,
      );
    }
    if (await users.findByIdentifier(email)) {
      throw new DomainError(
        'email_taken',
        `A Concierge account already uses ${email}. Ask ${policy.contact} to link it to your ${policy.displayName} account.`,
      );
    }
    const user: User = {
      id: newId(),
      username: await freeUsername(users, identity),
      email,
      firstName: fitName(identity.firstName),
      lastName: fitName(identity.lastName),
      role: 'user',
      disabled: false,
      providerId: policy.providerId,
      avatarKey: null,
      preferences: defaultPreferences,
      createdAt: now,
      updatedAt: now,
    };
    await users.insert(user, null);
    await identities.link(key, user.id, now);
    return user;
  });
}

function mayCreate(policy: ExternalSignInPolicy, identity: ExternalIdentity): boolean {
  if (typeof policy.autoCreate === 'boolean') return policy.autoCreate;
  // Only a domain the provider vouches for counts: a personal Google account may use any address.
  const domain = identity.domain?.toLowerCase();
  return domain !== undefined && policy.autoCreate.some((d) => d.toLowerCase() === domain);
}

function assertEnabled(user: User, policy: ExternalSignInPolicy): void {
  if (user.disabled) {
    throw new DomainError(
      'account_disabled',
      `This account is disabled. Ask ${policy.contact} to enable it again.`,
    );
  }
}

function refused(_policy: ExternalSignInPolicy, message: string): DomainError {
  return new DomainError('forbidden', message);
}

// Names from a directory or Google are shown as given, only cut to fit and stripped of control characters.
function fitName(name: string): string {
  const clean = cleanName(name).replace(/\p{Cc}/gu, '');
  return nameProblem(clean) === null ? clean : clean.slice(0, 100);
}

/** A valid username derived from the provider's, unique among users (`name`, `name-2`, …). */
async function freeUsername(users: UserLookup, identity: ExternalIdentity): Promise<string> {
  const base = usernameCandidate(identity.username) ?? usernameCandidate(identity.email.split('@')[0] ?? '');
  const stem = base ?? 'user';
  for (let n = 1; n <= 50; n++) {
    const candidate = n === 1 && base ? stem : `${stem.slice(0, 56)}-${n === 1 ? newId().slice(0, 6) : n}`;
    if (!(await users.findByIdentifier(candidate))) return candidate;
  }
  return `${stem.slice(0, 50)}-${newId().slice(0, 12)}`;
}

/** The provider's username made to fit Concierge's rule (letters, digits, . _ -), or null. */
export function usernameCandidate(raw: string): string | null {
  const cleaned = raw
    .normalize('NFC')
    .trim()
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/_+$/u, '')
    .slice(0, 64);
  return usernameProblem(cleaned) === null ? cleaned : null;
}

async function refresh(
  users: UserLookup,
  identities: ExternalIdentityStore,
  policy: ExternalSignInPolicy,
  user: User,
  identity: ExternalIdentity,
  now: Date,
): Promise<User> {
  const wanted = {
    username: user.username,
    email: user.email,
    firstName: fitName(identity.firstName),
    lastName: fitName(identity.lastName),
  };
  // Email and username follow the provider unless another account already holds them.
  const email = identity.email.normalize('NFC').trim();
  if (emailProblem(email) === null && identityKey(email) !== identityKey(user.email)) {
    const holder = await users.findByIdentifier(email);
    if (!holder || holder.id === user.id) wanted.email = email;
  }
  const username = policy.syncUsername ? usernameCandidate(identity.username) : null;
  if (username && identityKey(username) !== identityKey(user.username)) {
    const holder = await users.findByIdentifier(username);
    if (!holder || holder.id === user.id) wanted.username = username;
  }
  const same =
    wanted.username === user.username &&
    wanted.email === user.email &&
    wanted.firstName === user.firstName &&
    wanted.lastName === user.lastName;
  if (same) return user;
  await identities.refreshProfile(user.id, wanted, now);
  return { ...user, ...wanted, updatedAt: now };
}
