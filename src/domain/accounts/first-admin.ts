import type { Outbox } from '../mail/email.js';
import { DomainError } from '../shared/errors.js';
import { generateToken, hashToken } from '../shared/tokens.js';
import type { Transact } from '../shared/transaction.js';
import { type CreateUserDeps, type NewUserInput, prepareLocalUser, type UserWriter } from './create-user.js';
import type { User } from './user.js';

const SETUP_PURPOSE = 'setup';
const SETUP_TTL_MS = 60 * 60 * 1000;

export interface OneTimeToken {
  readonly tokenHash: string;
  readonly purpose: string;
  readonly userId: string | null;
  readonly data: string | null;
  readonly expiresAt: Date;
  /** Set for the token of an emailed link, reserved before it is minted (see reserveLinkToken). */
  readonly linkId?: string;
}

/** Single-use tokens stored as hashes (setup, reset, verification, invitation links). */
export interface OneTimeTokenStore {
  insert(token: OneTimeToken, now: Date): Promise<void>;
  /** Marks an unused, unexpired token used and returns it; null when there is none. Atomic. */
  consume(tokenHash: string, purpose: string, now: Date): Promise<OneTimeToken | null>;
}

export interface AdminCounter {
  /** Administrators who are not disabled. */
  countActiveAdmins(): Promise<number>;
}

export interface FirstAdminDeps extends CreateUserDeps {
  readonly admins: AdminCounter;
  readonly transact: Transact<{
    users: UserWriter & AdminCounter;
    tokens: OneTimeTokenStore;
    outbox: Outbox;
  }>;
  readonly publicUrl: string;
}

/** With no active administrator, issues a one-time setup token (valid 1 hour); otherwise null. */
export async function issueSetupToken(deps: FirstAdminDeps): Promise<string | null> {
  if ((await deps.admins.countActiveAdmins()) > 0) return null;
  const token = generateToken();
  const now = deps.clock();
  await deps.transact(({ tokens }) =>
    tokens.insert(
      {
        tokenHash: hashToken(token),
        purpose: SETUP_PURPOSE,
        userId: null,
        data: null,
        expiresAt: new Date(now.getTime() + SETUP_TTL_MS),
      },
      now,
    ),
  );
  return token;
}

/** True while no administrator exists, so the setup page may be shown. */
export async function setupOpen(deps: Pick<FirstAdminDeps, 'admins'>): Promise<boolean> {
  return (await deps.admins.countActiveAdmins()) === 0;
}

/** Creates the first administrator with a valid setup token; the token works once. */
export async function completeSetup(
  deps: FirstAdminDeps,
  token: string,
  input: Omit<NewUserInput, 'role'> & { password: string },
): Promise<User> {
  const prepared = await prepareLocalUser(deps, { ...input, role: 'admin' });
  return deps.transact(async ({ users, tokens, outbox }) => {
    if ((await users.countActiveAdmins()) > 0) {
      throw new DomainError('setup_unavailable', 'Concierge is already set up. Sign in instead.');
    }
    const found = await tokens.consume(hashToken(token), SETUP_PURPOSE, deps.clock());
    if (!found) {
      throw new DomainError(
        'setup_token_invalid',
        'This setup link is invalid or has expired. Restart Concierge to print a new one in its log.',
      );
    }
    await users.insert(prepared.user, prepared.passwordHash);
    await outbox.enqueue({
      template: 'setup-complete',
      to: prepared.user.email,
      data: { username: prepared.user.username, loginUrl: `${deps.publicUrl}/login` },
    });
    return prepared.user;
  });
}
