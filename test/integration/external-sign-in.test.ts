import { describe, expect, it } from 'vitest';
import type { Db, Dialect } from '../../src/adapters/db/database.js';
import { transactor } from '../../src/adapters/db/stores.js';
import { defaultPreferences, type User } from '../../src/domain/accounts/user.js';
import type { ExternalIdentity } from '../../src/domain/auth/external-identity.js';
import {
  type ExternalSignInDeps,
  type ExternalSignInPolicy,
  signInWithExternalIdentity,
} from '../../src/domain/auth/external-sign-in.js';
import type { RenderedEmail } from '../../src/domain/mail/email.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { newId } from '../../src/domain/shared/tokens.js';
import { engines, freshDatabase } from '../support/databases.js';

const databases = new Map<Dialect, Db>();
for (const engine of engines) databases.set(engine, await freshDatabase(engine));

const render = async (): Promise<RenderedEmail> => ({ subject: 's', html: '<p>h</p>', text: 'h' });
const now = new Date(Date.UTC(2026, 10, 28, 12, 0, 0));
const s = () => Math.random().toString(36).slice(2, 10);

const policy = (over: Partial<ExternalSignInPolicy> = {}): ExternalSignInPolicy => ({
  providerId: 'google',
  displayName: 'Google',
  autoCreate: true,
  linkByEmail: false,
  contact: 'the IT desk',
  syncUsername: false,
  ...over,
});

function identity(over: Partial<ExternalIdentity> = {}): ExternalIdentity {
  const id = s();
  return {
    providerId: 'google',
    issuer: 'https://accounts.google.com',
    subject: `1${Math.floor(Math.random() * 1e12)}`,
    username: `kai-${id}`,
    email: `kai-${id}@studio.example`,
    emailVerified: true,
    firstName: 'Kai',
    lastName: 'Berg',
    domain: 'studio.example',
    ...over,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
}

describe.each(engines)('external sign-in on %s', (engine) => {
  const db = databases.get(engine)!;
  const transact = transactor(db, render, () => now);
  const deps: ExternalSignInDeps = { clock: () => now, transact };
  const signIn = (p: ExternalSignInPolicy, i: ExternalIdentity) => signInWithExternalIdentity(deps, p, i);
  const localUser = async (over: Partial<User> = {}) => {
    const id = s();
    const user: User = {
      id: newId(),
      username: `local-${id}`,
      email: `local-${id}@studio.example`,
      firstName: 'Lou',
      lastName: 'Cal',
      role: 'user',
      disabled: false,
      providerId: 'local',
      avatarKey: null,
      preferences: defaultPreferences,
      createdAt: now,
      updatedAt: now,
      ...over,
    };
    await transact(({ users }) => users.insert(user, null));
    return user;
  };
  const count = async () =>
    Number(
      (
        await db.kysely
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('creates the user at the first sign-in, then finds the same user by provider, issuer and subject', async () => {
    const who = identity();
    const first = await signIn(policy(), who);
    expect(first).toMatchObject({
      username: who.username,
      email: who.email,
      providerId: 'google',
      role: 'user',
    });
    const again = await signIn(policy(), { ...who, firstName: 'Kaia', email: `new-${who.email}` });
    expect(again.id).toBe(first.id);
    expect(again.firstName).toBe('Kaia');
    expect(again.email).toBe(`new-${who.email}`);
  });

  it('keys accounts by issuer and subject: the same subject at another issuer or provider is another person', async () => {
    const who = identity();
    const a = await signIn(policy(), who);
    const b = await signIn(policy(), {
      ...who,
      issuer: 'https://other.example',
      email: `b-${who.email}`,
      username: `b-${who.username}`,
    });
    const c = await signIn(policy({ providerId: 'partner' }), {
      ...who,
      providerId: 'partner',
      email: `c-${who.email}`,
      username: `c-${who.username}`,
    });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('never signs in to an existing user by email unless linking is enabled and the email is verified', async () => {
    const existing = await localUser();
    const before = await count();
    expect(await codeOf(signIn(policy(), identity({ email: existing.email })))).toBe('email_taken');
    expect(
      await codeOf(
        signIn(policy({ linkByEmail: true }), identity({ email: existing.email, emailVerified: false })),
      ),
    ).toBe('email_taken');
    expect(await count()).toBe(before);
    const linked = await signIn(
      policy({ linkByEmail: true }),
      identity({ email: existing.email.toUpperCase() }),
    );
    expect(linked.id).toBe(existing.id);
    // The link keeps the user's own provider and profile.
    expect(linked.providerId).toBe('local');
  });

  it('creates users only for the domains the policy lists, and never when it is off', async () => {
    const listed = policy({ autoCreate: ['studio.example'] });
    expect((await signIn(listed, identity())).providerId).toBe('google');
    const freelancer = identity({ domain: 'freelance.example', email: `f-${s()}@freelance.example` });
    const error = await signIn(listed, freelancer).catch((e: unknown) => e as DomainError);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('forbidden');
    expect((error as DomainError).message).toContain('Ask the IT desk');
    expect(await codeOf(signIn(policy({ autoCreate: false }), identity()))).toBe('forbidden');
    // Without a domain the provider vouches for (a personal Google account using a studio address),
    // the address's domain does not count.
    expect(await codeOf(signIn(listed, identity({ domain: undefined })))).toBe('forbidden');
  });

  it('refuses a disabled user with account_disabled', async () => {
    const who = identity();
    const user = await signIn(policy(), who);
    await db.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', user.id).execute();
    expect(await codeOf(signIn(policy(), who))).toBe('account_disabled');
  });

  it('makes a username that fits the rule and is free: sanitised, then numbered', async () => {
    const taken = await localUser();
    const a = await signIn(policy(), identity({ username: taken.username }));
    expect(a.username).not.toBe(taken.username);
    expect(a.username.startsWith(`${taken.username}-`)).toBe(true);
    const b = await signIn(policy(), identity({ username: 'ops*(x)\\y' }));
    expect(b.username).toBe('ops_x_y');
    const c = await signIn(policy(), identity({ username: '***', email: `zed-${s()}@studio.example` }));
    expect(c.username.startsWith('zed-')).toBe(true);
  });

  it('refreshes the username only for providers that own it (a directory)', async () => {
    const who = identity();
    const directory = policy({ providerId: 'ldap', syncUsername: true });
    const user = await signIn(directory, { ...who, providerId: 'ldap' });
    const renamed = await signIn(directory, { ...who, providerId: 'ldap', username: `renamed-${s()}` });
    expect(renamed.id).toBe(user.id);
    expect(renamed.username).toMatch(/^renamed-/);
    const person = identity();
    const google = await signIn(policy(), person);
    const again = await signIn(policy(), { ...person, username: `other-${s()}` });
    expect(again.username).toBe(google.username);
  });

  it('answers a second link of the same external account with conflict, never a raw database error', async () => {
    const user = await localUser();
    const key = { providerId: 'google', issuer: 'https://accounts.google.com', subject: `1${s()}` };
    await transact(({ identities }) => identities.link(key, user.id, now));
    expect(await codeOf(transact(({ identities }) => identities.link(key, user.id, now)))).toBe('conflict');
    expect(await transact(({ identities }) => identities.findForUser(user.id, 'google'))).toEqual(key);
  });

  it('keeps the old email when the new one belongs to another user', async () => {
    const other = await localUser();
    const who = identity();
    const user = await signIn(policy(), who);
    const again = await signIn(policy(), { ...who, email: other.email });
    expect(again.id).toBe(user.id);
    expect(again.email).toBe(who.email);
  });
});
