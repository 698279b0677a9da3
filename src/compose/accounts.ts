import type { Stores } from '../adapters/db/stores.js';
import type { Config } from '../config/schema.js';
import {
  type AdminDeps,
  type AdminUserPatch,
  adminCreateUser,
  adminSendReset,
  adminUpdateUser,
  type DisabledReason,
  disabledReasons,
  getUser,
  listUsers,
} from '../domain/accounts/admin-users.js';
import type { CreateUserDeps, NewUserInput } from '../domain/accounts/create-user.js';
import { type EmailChangeDeps, undoEmailChange, verifyEmailChange } from '../domain/accounts/email-change.js';
import {
  type ProfileDeps,
  type ProfilePatch,
  updateProfile,
  userWithPendingEmail,
} from '../domain/accounts/update-profile.js';
import type { User } from '../domain/accounts/user.js';
import { changePassword, type PasswordDeps } from '../domain/auth/change-password.js';
import { credentialPolicy, credentialsHelp, type ProviderInfo } from '../domain/auth/credential-policy.js';
import type { PasswordProvider } from '../domain/auth/external-identity.js';
import { type DeviceDeps, recogniseDevice } from '../domain/auth/known-devices.js';
import { endMySession, endOtherSessions, listMySessions } from '../domain/auth/my-sessions.js';
import type { PasswordHasher } from '../domain/auth/password-hasher.js';
import { describePolicy, type PasswordPolicy } from '../domain/auth/password-policy.js';
import {
  confirmPasswordReset,
  handleResetRequests,
  type ResetDeps,
  type ResetRequestQueue,
  requestPasswordReset,
} from '../domain/auth/password-reset.js';
import { createSession } from '../domain/auth/sessions.js';
import { type ExternalUserResolver, type SignInDeps, signIn } from '../domain/auth/sign-in.js';
import type { ThrottleRule } from '../domain/auth/throttle.js';
import type { Clock } from '../domain/shared/clock.js';
import { generateToken } from '../domain/shared/tokens.js';
import type { Transact } from '../domain/shared/transaction.js';

export interface AccountsWiring {
  readonly config: Config;
  readonly stores: Pick<
    Stores,
    'accounts' | 'accountTokens' | 'throttle' | 'sessions' | 'directoryRemovals' | 'resetRequests'
  >;
  readonly transact: Transact<Stores>;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly userDeps: CreateUserDeps;
  /** Providers other than local accounts (LDAP, OpenID Connect). */
  readonly passwordProviders: readonly PasswordProvider[];
  readonly resolveExternal?: ExternalUserResolver;
  /** The directory password change of `passwords: directory` users (identity issue). */
  readonly directoryPassword?: PasswordDeps['directoryPassword'];
  readonly reportError: (error: unknown, what: string) => void;
  /** Recognises the browser at sign-in and raises the new-sign-in notice. */
  readonly devices: DeviceDeps;
  /** Recorded password-reset requests, claimed by this process's delivery job. */
  readonly resetQueue: ResetRequestQueue;
}

const minutes = (m: number) => m * 60_000;
/** A throttle rule of `auth.throttle` in milliseconds. */
export function rule(r: { maxAttempts: number; windowMinutes: number; lockMinutes: number }): ThrottleRule {
  return { maxAttempts: r.maxAttempts, windowMs: minutes(r.windowMinutes), lockMs: minutes(r.lockMinutes) };
}

/** The password policy configured under `auth.password`. */
export function passwordPolicyFrom(config: Config): PasswordPolicy {
  const p = config.auth.password;
  return { minLength: p.minLength, maxLength: p.maxLength, minStrength: p.minStrength };
}

/** Each configured provider as the credential policy sees it. */
export function providerInfos(config: Config): ReadonlyMap<string, ProviderInfo> {
  return new Map(
    config.providers.map((p): [string, ProviderInfo] => {
      // The same fallbacks as the OIDC adapter: Google's preset, else the issuer's host name.
      const oidcName =
        p.kind === 'oidc' ? (p.preset === 'google' ? 'Google' : new URL(p.issuer ?? 'x:').hostname) : '';
      const displayName = p.displayName ?? (oidcName || p.id);
      const contact = 'contact' in p ? p.contact : undefined;
      const passwords = p.kind === 'ldap' ? { passwords: p.passwords } : {};
      return [p.id, { id: p.id, kind: p.kind, displayName, ...(contact ? { contact } : {}), ...passwords }];
    }),
  );
}

/** Builds every account use case with its ports, for the HTTP routes and pages. */
export function composeAccounts(w: AccountsWiring) {
  const { config, stores, clock, publicUrl, hasher } = w;
  const notices = w.devices.notices;
  const providers = providerInfos(config);
  const providerOf = (id: string): ProviderInfo =>
    providers.get(id) ?? { id, kind: 'unknown', displayName: id };
  const capabilities = (user: User) => credentialPolicy(providerOf(user.providerId), config.support);
  const policy = passwordPolicyFrom(config);
  const t = config.auth.throttle;
  const accountRule = rule(t.account);
  // Hashed at start, not at the first unknown identifier, which would otherwise pay a hash as well.
  const dummy = hasher.hash(generateToken());
  const dummyHash = () => dummy;
  const tx = w.transact;
  const signInDeps: SignInDeps = {
    users: stores.accounts,
    hasher,
    clock,
    throttle: stores.throttle,
    rules: { account: accountRule, ip: rule(t.ip) },
    passwordProviders: w.passwordProviders,
    ...(w.resolveExternal ? { resolveExternal: w.resolveExternal } : {}),
    isLocalProvider: (id) => providerOf(id).kind === 'local',
    capabilities,
    dummyHash,
    transact: tx,
    publicUrl,
    reportError: w.reportError,
  };
  const passwordDeps: PasswordDeps = {
    accounts: stores.accounts,
    hasher,
    policy,
    clock,
    capabilities,
    throttle: stores.throttle,
    accountRule,
    transact: tx,
    publicUrl,
    ...(w.directoryPassword ? { directoryPassword: w.directoryPassword } : {}),
  };
  const resetDeps: ResetDeps = {
    accounts: stores.accounts,
    tokens: stores.accountTokens,
    hasher,
    policy,
    clock,
    capabilities,
    throttle: stores.throttle,
    rules: { account: rule(t.resetAccount), ip: rule(t.resetIp) },
    transact: tx,
    publicUrl,
    requests: stores.resetRequests,
  };
  const profileDeps: ProfileDeps = { ...passwordDeps, accounts: stores.accounts, capabilities, transact: tx };
  const emailDeps: EmailChangeDeps = { clock, publicUrl, transact: tx };
  const adminDeps: AdminDeps = {
    ...w.userDeps,
    passwordPolicy: policy,
    accounts: stores.accounts,
    removals: stores.directoryRemovals,
    capabilities,
    transact: tx,
    publicUrl,
    clock,
  };
  const adminView = (user: User, reason: DisabledReason | undefined) => ({
    id: user.id,
    username: user.username,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    role: user.role,
    disabled: user.disabled,
    disabledBy: reason?.by ?? null,
    disabledByDirectory:
      reason?.by === 'directory'
        ? {
            providerId: reason.providerId,
            providerName: providerOf(reason.providerId).displayName,
            at: reason.removedAt.toISOString(),
          }
        : null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    provider: providerOf(user.providerId),
  });
  const adminViewOne = async (user: User) =>
    adminView(user, (await disabledReasons(adminDeps, [user])).get(user.id));
  const sessionDeps = { sessions: stores.sessions, clock };
  const lookup = { accounts: stores.accounts, clock };

  const me = async (user: User, pending?: string | null) => {
    const provider = providerOf(user.providerId);
    const caps = capabilities(user);
    const help = credentialsHelp(caps);
    return {
      id: user.id,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      pendingEmail:
        pending !== undefined
          ? pending
          : ((await userWithPendingEmail(lookup, user.id))?.pendingEmail ?? null),
      avatarUrl: user.avatarKey ? `/avatars/${user.avatarKey}-256.webp` : null,
      role: user.role,
      provider: { id: provider.id, kind: provider.kind, displayName: provider.displayName },
      preferences: user.preferences,
      capabilities: {
        changePassword: caps.changePassword,
        resetPassword: caps.resetPassword,
        editEmail: caps.editEmail,
        editName: caps.editName,
      },
      ...(help ? { credentialsHelp: help } : {}),
    };
  };

  return {
    providers: () =>
      config.providers.map((p) => {
        const info = providerOf(p.id);
        return {
          id: p.id,
          kind: p.kind,
          displayName: info.displayName,
          ...(p.kind === 'oidc' ? { loginUrl: `/auth/oidc/${p.id}/start` } : {}),
        };
      }),
    passwordPolicy: () => ({
      minLength: policy.minLength,
      maxLength: policy.maxLength,
      minStrength: policy.minStrength ?? 0,
      rules: describePolicy(policy),
    }),
    async signIn(input: {
      identifier: string;
      password: string;
      ip: string | null;
      userAgent: string | null;
      /** The browser's device cookie, if it sent one. */
      device: string | undefined;
    }) {
      const user = await signIn(signInDeps, input);
      const { token, session } = await createSession(sessionDeps, user.id, input);
      const device = await recogniseDevice(w.devices, user.id, input.device, input);
      return { user: await me(user), token, expiresAt: session.expiresAt, device };
    },
    signOut: (sessionId: string) => stores.sessions.delete(sessionId),
    requestReset: (input: { identifier: string; ip: string | null }) =>
      requestPasswordReset(resetDeps, input),
    /** Turns up to `limit` recorded reset requests into emails (the delivery job runs it first). */
    handleResetRequests: (limit: number) =>
      handleResetRequests(
        {
          queue: w.resetQueue,
          transact: tx,
          clock,
          capabilities,
          rules: resetDeps.rules,
          publicUrl,
          onError: (err, request) => w.reportError(err, `password-reset email of request ${request.id}`),
        },
        limit,
      ),
    async confirmReset(input: { token: string; newPassword: string; confirmPassword: string }) {
      const userId = await confirmPasswordReset(resetDeps, input);
      await notices.credentialsChanged(userId, clock(), 'password-reset');
    },
    async verifyEmail(token: string) {
      const user = await verifyEmailChange(emailDeps, token);
      await notices.credentialsChanged(user.id, clock(), 'email-changed');
      return me(user);
    },
    async undoEmail(token: string) {
      const user = await undoEmailChange(emailDeps, token);
      await notices.credentialsChanged(user.id, clock(), 'email-restored');
      return me(user);
    },
    async me(userId: string) {
      const found = await userWithPendingEmail(lookup, userId);
      return found ? me(found.user, found.pendingEmail) : null;
    },
    updateMe: async (userId: string, patch: ProfilePatch, via: 'session' | 'api-key') =>
      me(await updateProfile(profileDeps, userId, patch, via)),
    async changePassword(input: Parameters<typeof changePassword>[1]) {
      await changePassword(passwordDeps, input);
      await notices.credentialsChanged(input.userId, clock(), 'password-changed');
    },
    sessions: (userId: string, currentId: string | undefined) =>
      listMySessions(sessionDeps, userId, currentId),
    endSession: (userId: string, publicId: string) => endMySession(sessionDeps, userId, publicId),
    endOtherSessions: (userId: string, currentId: string | undefined) =>
      endOtherSessions(sessionDeps, userId, currentId),
    admin: {
      async list(query: { search?: string; limit: number; offset: number }) {
        const page = await listUsers(adminDeps, query);
        const reasons = await disabledReasons(adminDeps, page.items);
        return { items: page.items.map((u) => adminView(u, reasons.get(u.id))), total: page.total };
      },
      async get(id: string) {
        const { user, aliases } = await getUser(adminDeps, id);
        return { ...(await adminViewOne(user)), aliases: [...aliases] };
      },
      create: async (admin: { username: string }, input: NewUserInput) =>
        adminViewOne(await adminCreateUser(adminDeps, admin, input)),
      update: async (id: string, patch: AdminUserPatch) =>
        adminViewOne(await adminUpdateUser(adminDeps, id, patch)),
      sendReset: (id: string) => adminSendReset(adminDeps, id),
    },
  };
}

export type AccountsService = ReturnType<typeof composeAccounts>;
// Kept in one place so the route files name the types they use without importing the composition's guts.
export type MeView = NonNullable<Awaited<ReturnType<AccountsService['me']>>>;
