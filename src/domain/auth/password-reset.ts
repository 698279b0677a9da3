import {
  type AccountStore,
  type AccountTokenStore,
  reserveLinkToken,
  TOKEN_PURPOSE,
} from '../accounts/account-ports.js';
import { identityKey, type User } from '../accounts/user.js';
import type { Outbox } from '../mail/email.js';
import { formatExactWithZone } from '../notifications/date-format.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { hashToken, newId } from '../shared/tokens.js';
import type { Transact } from '../shared/transaction.js';
import { assertConfirmed } from './change-password.js';
import type { CredentialCapabilities } from './credential-policy.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertPasswordAllowed, type PasswordPolicy } from './password-policy.js';
import type { SessionStore } from './sessions.js';
import {
  assertNotLocked,
  recordAttempt,
  type ThrottleRule,
  type ThrottleStore,
  throttleKeys,
} from './throttle.js';

export const RESET_VALID_MS = 60 * 60 * 1000;
export const INVITATION_VALID_MS = 7 * 24 * 60 * 60 * 1000;

type ResetStores = {
  accounts: Pick<AccountStore, 'setPasswordHash'>;
  accountTokens: AccountTokenStore;
  sessions: Pick<SessionStore, 'deleteAllForUser'>;
  outbox: Outbox;
};

/** A "Forgot your password?" request as it was made, waiting to be looked at. */
export interface ResetRequest {
  readonly id: string;
  /** What the person typed, NFC-normalised and trimmed. */
  readonly identifier: string;
  readonly ip: string | null;
  readonly requestedAt: Date;
}

/** Where requests are recorded, durably, before the answer. */
export interface ResetRequestLog {
  record(request: ResetRequest): Promise<void>;
}

/** The requests as the delivery job sees them, claimed so that one replica handles each. */
export interface ResetRequestQueue {
  /** Who claims (one per process), so a claim that passed to another replica is recognised. */
  readonly owner: string;
  claim(limit: number, now: Date): Promise<readonly ResetRequest[]>;
}

/** Inside the transaction that handles a request: removes it; false when `owner` no longer holds its claim. */
export interface ResetRequestDone {
  finish(id: string, owner: string): Promise<boolean>;
}

type HandleStores = Pick<ResetStores, 'accountTokens' | 'outbox'> & {
  accounts: Pick<AccountStore, 'findBySignInName'>;
  throttle: ThrottleStore;
  resetRequests: ResetRequestDone;
};

export interface ResetDeps {
  readonly accounts: Pick<AccountStore, 'findById'>;
  readonly tokens: Pick<AccountTokenStore, 'peek'>;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly clock: Clock;
  readonly capabilities: (user: User) => CredentialCapabilities;
  readonly throttle: ThrottleStore;
  readonly rules: { readonly account: ThrottleRule; readonly ip: ThrottleRule };
  readonly transact: Transact<ResetStores>;
  readonly publicUrl: string;
  readonly requests: ResetRequestLog;
}

/**
 * Handles "Forgot your password?". The caller always answers the same 202, after the same work for any
 * identifier (the address's throttle, then one insert): whether the account exists is decided later,
 * by the delivery job (handleResetRequests), so neither the answer nor its timing tells. Too many
 * requests from one address → 429.
 */
export async function requestPasswordReset(
  deps: Pick<ResetDeps, 'clock' | 'throttle' | 'rules' | 'requests'>,
  input: { identifier: string; ip: string | null },
): Promise<void> {
  const now = deps.clock();
  if (input.ip !== null) {
    const key = throttleKeys.resetIp(input.ip);
    await assertNotLocked(
      deps.throttle,
      key,
      now,
      (wait) => `Too many password-reset requests from your network. Wait ${wait} and try again.`,
    );
    await recordAttempt(deps.throttle, key, deps.rules.ip, now);
  }
  await deps.requests.record({
    id: newId(),
    identifier: input.identifier.normalize('NFC').trim(),
    ip: input.ip,
    requestedAt: now,
  });
}

export interface HandleResetDeps {
  readonly queue: ResetRequestQueue;
  readonly transact: Transact<HandleStores>;
  readonly clock: Clock;
  readonly capabilities: (user: User) => CredentialCapabilities;
  readonly rules: { readonly account: ThrottleRule };
  readonly publicUrl: string;
  /** A request that could not be handled stays claimed until its lease ends, then is tried again. */
  readonly onError: (error: unknown, request: ResetRequest) => void;
}

/**
 * Turns recorded reset requests into emails, each in one transaction with its removal: a local account
 * gets a single-use link (1 hour, replacing earlier ones), an account managed elsewhere an email naming
 * who manages its password, an unknown or disabled one nothing. Beyond the per-account limit requests
 * are dropped silently. Returns how many requests were claimed.
 */
export async function handleResetRequests(deps: HandleResetDeps, limit: number): Promise<number> {
  const claimed = await deps.queue.claim(limit, deps.clock());
  for (const request of claimed) {
    try {
      await deps.transact((stores) => handleOne(stores, deps, request));
    } catch (error) {
      deps.onError(error, request);
    }
  }
  return claimed.length;
}

async function handleOne(stores: HandleStores, deps: HandleResetDeps, request: ResetRequest): Promise<void> {
  // First, so that a worker whose claim passed to another replica writes nothing.
  if (!(await stores.resetRequests.finish(request.id, deps.queue.owner))) return;
  // The account's window counts from when the person asked, however late the job runs.
  const now = request.requestedAt;
  const user = await stores.accounts.findBySignInName(request.identifier);
  const accountKey = throttleKeys.resetAccount(user ? user.id : `name:${identityKey(request.identifier)}`);
  if ((await stores.throttle.lockedUntil(accountKey, now)) !== null) return;
  await recordAttempt(stores.throttle, accountKey, deps.rules.account, now);
  if (!user || user.disabled) return;
  const capabilities = deps.capabilities(user);
  if (!capabilities.resetPassword) {
    await stores.outbox.enqueue({
      template: 'password-help',
      to: user.email,
      data: {
        username: user.username,
        providerName: capabilities.providerName,
        contact: capabilities.contact,
      },
    });
    return;
  }
  await writePasswordLink(stores, deps, user, 'reset', null);
}

/**
 * Emails a single-use link to set a password, inside the caller's transaction: a reset link (1 hour) or
 * an invitation (7 days). Earlier open links of the user stop working.
 */
export async function writePasswordLink(
  stores: Pick<ResetStores, 'accountTokens' | 'outbox'>,
  deps: Pick<ResetDeps, 'clock' | 'publicUrl'>,
  user: User,
  kind: 'reset' | 'invitation',
  invitedBy: string | null,
): Promise<void> {
  const now = deps.clock();
  const validMs = kind === 'reset' ? RESET_VALID_MS : INVITATION_VALID_MS;
  const link = await reserveLinkToken(
    stores.accountTokens,
    {
      purpose: TOKEN_PURPOSE.passwordReset,
      userId: user.id,
      data: null,
      validMs,
      replaces: true,
      preferences: user.preferences,
    },
    now,
  );
  // The URL without its token, and no expiry yet: both are filled in when the email is sent.
  const url = `${deps.publicUrl}/reset-password?token=`;
  await stores.outbox.enqueue(
    kind === 'reset'
      ? {
          template: 'password-reset',
          to: user.email,
          data: { username: user.username, resetUrl: url, validMinutes: validMs / 60_000, validUntil: '' },
          link,
        }
      : {
          template: 'invitation',
          to: user.email,
          data: {
            username: user.username,
            invitedBy,
            setPasswordUrl: url,
            validDays: validMs / 86_400_000,
            validUntil: '',
          },
          link,
        },
  );
}

const invalidLink = () =>
  new DomainError(
    'token_invalid',
    'This password link is invalid, was already used or has expired. Request a new one with "Forgot your password?".',
  );

/**
 * Sets a new password with a reset (or invitation) link; the link works once and every session ends.
 * Returns the user's id.
 */
export async function confirmPasswordReset(
  deps: ResetDeps,
  input: { token: string; newPassword: string; confirmPassword: string },
): Promise<string> {
  const now = deps.clock();
  const tokenHash = hashToken(input.token);
  const found = await deps.tokens.peek(tokenHash, TOKEN_PURPOSE.passwordReset, now);
  const user = found?.userId ? await deps.accounts.findById(found.userId) : null;
  if (!user || user.disabled) throw invalidLink();
  const capabilities = deps.capabilities(user);
  if (!capabilities.resetPassword) throw invalidLink();
  assertConfirmed(input.newPassword, input.confirmPassword);
  // Checked before the link is used up, so a refused password leaves the link working.
  assertPasswordAllowed(
    input.newPassword,
    deps.policy,
    { username: user.username, email: user.email, names: [user.firstName, user.lastName] },
    'newPassword',
  );
  const hash = await deps.hasher.hash(input.newPassword);
  await deps.transact(async ({ accounts, accountTokens, sessions, outbox }) => {
    const consumed = await accountTokens.consume(tokenHash, TOKEN_PURPOSE.passwordReset, now);
    if (!consumed) throw invalidLink();
    await accounts.setPasswordHash(user.id, hash, now);
    await sessions.deleteAllForUser(user.id);
    await outbox.enqueue({
      template: 'password-changed',
      to: user.email,
      data: {
        username: user.username,
        when: formatExactWithZone(now, user.preferences),
        how: 'reset',
        forgotUrl: `${deps.publicUrl}/forgot-password`,
      },
    });
  });
  // A successful reset proves the owner: lift a sign-in lock on the account.
  await deps.throttle.clear(throttleKeys.signInAccount(user.id));
  return user.id;
}
