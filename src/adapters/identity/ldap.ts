import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, type Entry, Filter, FilterParser, ResultCodeError } from 'ldapts';
import type { Logger } from 'pino';
import type { ProviderConfig } from '../../config/schema.js';
import type { DirectoryPasswords } from '../../domain/auth/directory-password.js';
import type { DirectoryCheck, Presence } from '../../domain/auth/directory-recheck.js';
import type { ExternalIdentity, PasswordProvider } from '../../domain/auth/external-identity.js';
import { DomainError } from '../../domain/shared/errors.js';
import { passwordModify } from './ldap-password-modify.js';
import { ProviderConfigError } from './provider-config-error.js';

export type LdapProviderConfig = Extract<ProviderConfig, { kind: 'ldap' }>;

// LDAP result codes we act on (RFC 4511 §4.1.9).
const INVALID_CREDENTIALS = 49;
const UNWILLING_TO_PERFORM = 53;
const CONSTRAINT_VIOLATION = 19;
const INSUFFICIENT_ACCESS = 50;
const SIZE_LIMIT_EXCEEDED = 4;
const NO_SUCH_OBJECT = 32;
// Longer identifiers are refused before any request: no directory attribute we search is this long.
const MAX_IDENTIFIER = 256;
const MAX_PASSWORD = 1024;
// The group member looked for when the search found nobody, so that case costs the same search.
const NOBODY = 'cn=concierge-sign-in-nobody';
const BINARY_IDS = /^(objectGUID|objectSid|mS-DS-ConsistencyGuid)$/i;

export interface LdapProvider extends PasswordProvider, DirectoryPasswords, DirectoryCheck {
  readonly kind: 'ldap';
}

/**
 * An LDAP directory as a password provider (ldapts): a fresh connection per attempt, so a directory
 * that went down and came back works again without a restart. Throws at construction when the
 * configuration cannot work (unreadable CA file, invalid filter), which stops the boot.
 */
export function ldapProvider(
  config: LdapProviderConfig,
  deps: { logger?: Logger; contact: string },
): LdapProvider {
  const tlsOptions = tlsFor(config);
  const probe = config.userFilter.replaceAll('{identifier}', 'probe');
  try {
    FilterParser.parseString(probe);
  } catch (error) {
    throw new ProviderConfigError(
      `providers.${config.id}.userFilter is not a valid LDAP filter: ${(error as Error).message}`,
    );
  }
  if (config.startTls && config.url.startsWith('ldaps:')) {
    throw new ProviderConfigError(
      `providers.${config.id}: startTls applies to ldap:// URLs; ldaps:// is already encrypted`,
    );
  }
  if (!config.startTls && config.url.startsWith('ldap:')) {
    deps.logger?.warn(
      { provider: config.id, url: config.url },
      'LDAP provider without TLS: passwords cross the network in clear text; use ldaps:// or startTls: true',
    );
  }
  const { attributes: map } = config;
  const issuer = directoryBase(config.userBase);
  const wanted = [map.username, map.firstName, map.lastName, map.email, map.subject];
  // Active Directory's ids are binary: read them as bytes and keep them as hex, never as lossy UTF-8.
  const binarySubject = BINARY_IDS.test(map.subject);

  const unavailable = (cause: unknown) => {
    deps.logger?.warn({ provider: config.id, err: cause }, 'LDAP directory unavailable');
    return new DomainError(
      'provider_unavailable',
      `${config.displayName} cannot be reached right now, so directory accounts cannot sign in. Local accounts are not affected. Try again in a few minutes; if it keeps happening, contact ${deps.contact}.`,
      { cause, logDetail: (cause as Error)?.message },
    );
  };

  /** Opens a connection bound as the service account; the caller unbinds it. */
  async function serviceClient(): Promise<Client> {
    // Fresh copies: ldapts' startTLS writes the plain socket into the options object it is given, and a
    // shared object would hand the next attempt a socket that is already closed.
    const client = new Client({
      url: config.url,
      timeout: config.timeoutMs,
      connectTimeout: config.connectTimeoutMs,
      ...(tlsOptions && !config.startTls ? { tlsOptions: { ...tlsOptions } } : {}),
    });
    try {
      if (config.startTls) await client.startTLS({ ...tlsOptions });
      await client.bind(config.bindDn, config.bindPassword);
      return client;
    } catch (error) {
      await client.unbind().catch(() => {});
      throw unavailable(error);
    }
  }

  async function findEntry(client: Client, filter: string): Promise<Entry | null> {
    try {
      const { searchEntries } = await client.search(config.userBase, {
        scope: 'sub',
        filter,
        attributes: wanted,
        explicitBufferAttributes: binarySubject ? [map.subject] : [],
        sizeLimit: 2,
      });
      // Zero or several matches: nobody in particular, so nobody signs in.
      return searchEntries.length === 1 ? (searchEntries[0] ?? null) : null;
    } catch (error) {
      if (error instanceof ResultCodeError && error.code === SIZE_LIMIT_EXCEEDED) return null;
      throw unavailable(error);
    }
  }

  /** Whether `entry` is in the group; for no entry, the same search for a member nobody is. */
  async function inGroup(client: Client, entry: Entry | null): Promise<boolean> {
    if (!config.group) return true;
    const byUid = config.group.memberAttribute.toLowerCase() === 'memberuid';
    const value = entry ? (byUid ? first(entry, map.username) : entry.dn) : NOBODY;
    try {
      const { searchEntries } = await client.search(config.group.dn, {
        scope: 'base',
        filter: `(${config.group.memberAttribute}=${Filter.escape(value)})`,
        attributes: ['1.1'],
      });
      return searchEntries.length === 1;
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** The stored subject as a filter value: Active Directory's binary ids were stored as hex. */
  const subjectValue = (subject: string): string | Buffer =>
    binarySubject && /^[0-9a-f]+$/.test(subject) ? Buffer.from(subject, 'hex') : subject;

  /**
   * Whether the entry a subject names is still under the user base and in the group. Only a definite
   * answer says `gone`; any error throws (the caller then changes nothing).
   */
  async function presenceOf(client: Client, subject: string): Promise<Presence> {
    let entries: Entry[];
    try {
      ({ searchEntries: entries } = await client.search(config.userBase, {
        scope: 'sub',
        filter: `(${map.subject}=${Filter.escape(subjectValue(subject))})`,
        attributes: wanted,
        sizeLimit: 2,
      }));
    } catch (error) {
      // Two entries with one stable id cannot be told apart: in doubt, nobody is removed.
      if (error instanceof ResultCodeError && error.code === SIZE_LIMIT_EXCEEDED) return 'present';
      throw unavailable(error);
    }
    let entry = entries[0];
    // Accounts of a directory without the subject attribute were keyed by their DN (see identityOf).
    if (!entry && subject.includes('=') && underBase(subject, config.userBase)) {
      try {
        const { searchEntries } = await client.search(subject, {
          scope: 'base',
          filter: '(objectClass=*)',
          attributes: wanted,
        });
        entry = searchEntries[0];
      } catch (error) {
        if (!(error instanceof ResultCodeError && error.code === NO_SUCH_OBJECT)) throw unavailable(error);
      }
    }
    if (!entry) return 'gone';
    return (await inGroup(client, entry)) ? 'present' : 'gone';
  }

  const identityOf = (entry: Entry): ExternalIdentity => {
    const email = first(entry, map.email);
    const domain = email.split('@')[1]?.toLowerCase();
    return {
      providerId: config.id,
      issuer,
      subject: (binarySubject ? firstHex(entry, map.subject) : first(entry, map.subject)) || entry.dn,
      username: first(entry, map.username),
      email: first(entry, map.email),
      // The directory is run by the organisation's administrators: its addresses are taken as verified.
      emailVerified: first(entry, map.email) !== '',
      firstName: first(entry, map.firstName),
      lastName: first(entry, map.lastName),
      // The organisation's own directory vouches for its addresses' domain (per-domain autoCreate).
      ...(domain ? { domain } : {}),
    };
  };

  /**
   * One sign-in's round-trips, the same whatever the directory holds and whether `password` may be sent:
   * a connection bound as the service account, the search for the identifier, the group check (for no
   * entry, a search for a member nobody is) and one more bind. That bind is the person's own, with
   * their password, only when it may be sent and the search found one person in the group. Otherwise
   * the service account binds again with its own password: the directory already receives that one on
   * every attempt, so no password goes anywhere new. A bind to a made-up DN would have cost the same
   * round-trip but fills the directory's log with failed binds, and a bind with the person's password
   * to anything would send a local user's password to the directory.
   */
  async function signInAttempt(
    identifier: string,
    password: string,
    send: boolean,
  ): Promise<ExternalIdentity | null> {
    // Refused here for every caller alike: these inputs cost no directory request, whoever types them.
    // An empty password would be an unauthenticated bind, which LDAP answers with success.
    if (identifier.length === 0 || identifier.length > MAX_IDENTIFIER) return null;
    if (password.length === 0 || password.length > MAX_PASSWORD) return null;
    const filter = config.userFilter.replaceAll(
      '{identifier}',
      Filter.escape(identifier.normalize('NFC').trim()),
    );
    const client = await serviceClient();
    try {
      const entry = await findEntry(client, filter);
      const member = await inGroup(client, entry);
      if (send && entry && member) {
        try {
          await client.bind(entry.dn, password);
        } catch (error) {
          if (error instanceof ResultCodeError && error.code === INVALID_CREDENTIALS) return null;
          throw unavailable(error);
        }
        return identityOf(entry);
      }
      try {
        await client.bind(config.bindDn, config.bindPassword);
      } catch (error) {
        throw unavailable(error);
      }
      return null;
    } finally {
      await client.unbind().catch(() => {});
    }
  }

  return {
    id: config.id,
    kind: 'ldap',
    displayName: config.displayName,

    verify: (identifier, password) => signInAttempt(identifier, password, true),

    async rehearse(identifier, password) {
      await signInAttempt(identifier, password, false);
    },

    async stillPresent(subjects) {
      const answers = new Map<string, Presence>();
      if (subjects.length === 0) return answers;
      // One service connection for the whole batch; any failure fails the batch (nothing is changed).
      const client = await serviceClient();
      try {
        for (const subject of subjects) answers.set(subject, await presenceOf(client, subject));
        return answers;
      } finally {
        await client.unbind().catch(() => {});
      }
    },

    async changePassword(subject, currentPassword, newPassword) {
      if (currentPassword.length === 0 || currentPassword.length > MAX_PASSWORD) throw wrongCurrentPassword();
      const client = await serviceClient();
      try {
        const bySubject = `(${map.subject}=${Filter.escape(subjectValue(subject))})`;
        const entry = await findEntry(client, bySubject);
        const dn = entry?.dn ?? (subject.includes('=') ? subject : null);
        if (!dn) {
          throw new DomainError(
            'not_found',
            `Your entry is no longer in ${config.displayName}. Contact ${deps.contact}.`,
          );
        }
        // Bound as the user themself: the service account never needs write access to passwords.
        await client.bind(dn, currentPassword);
        await passwordModify(client, { userDn: dn, oldPassword: currentPassword, newPassword });
      } catch (error) {
        throw translateChangeError(error, config.displayName, deps.contact, unavailable);
      } finally {
        await client.unbind().catch(() => {});
      }
    },
  };
}

function translateChangeError(
  error: unknown,
  displayName: string,
  contact: string,
  unavailable: (cause: unknown) => DomainError,
): DomainError {
  if (error instanceof DomainError) return error;
  if (!(error instanceof ResultCodeError)) return unavailable(error);
  // 49 from the bind, 53 from the operation (the server re-checks oldPasswd): the current password is wrong.
  if (error.code === INVALID_CREDENTIALS || error.code === UNWILLING_TO_PERFORM)
    return wrongCurrentPassword(error);
  if (error.code === CONSTRAINT_VIOLATION) {
    const reason = serverReason(error);
    return new DomainError(
      'password_policy',
      `${displayName} refused the new password${reason ? `: ${reason}` : ''}. Choose another password.`,
      { issues: [{ field: 'newPassword', message: reason || `refused by ${displayName}` }], cause: error },
    );
  }
  if (error.code === INSUFFICIENT_ACCESS) {
    return new DomainError(
      'password_managed_externally',
      `${displayName} does not let you change your password here. Contact ${contact}.`,
      { cause: error },
    );
  }
  return unavailable(error);
}

function wrongCurrentPassword(cause?: unknown): DomainError {
  return new DomainError('current_password_incorrect', 'Your current password is not correct.', {
    issues: [{ field: 'currentPassword', message: 'is not your current password' }],
    cause,
  });
}

// ldapts appends " Code: 0x13" to the server's diagnostic message.
function serverReason(error: ResultCodeError): string {
  return error.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
}

/**
 * The directory's naming context as the issuer of its accounts: the trailing dc= components of the user
 * base ("ou=people,dc=studio,dc=example" gives "dc=studio,dc=example"), so moving users to another OU
 * or widening userBase keeps every account linked. Without dc= components, the whole base.
 */
export function directoryBase(userBase: string): string {
  const rdns = userBase.split(/(?<!\\),/).map((rdn) =>
    rdn
      .trim()
      .toLowerCase()
      .replace(/\s*=\s*/, '='),
  );
  let start = rdns.length;
  while (start > 0 && rdns[start - 1]?.startsWith('dc=')) start--;
  return (start < rdns.length ? rdns.slice(start) : rdns).join(',');
}

/** Whether `dn` is `base` or below it, comparing the RDNs case-insensitively and without spaces. */
function underBase(dn: string, base: string): boolean {
  const rdns = (value: string) =>
    value.split(/(?<!\\),/).map((rdn) =>
      rdn
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '='),
    );
  const [entry, parent] = [rdns(dn), rdns(base)];
  return (
    entry.length >= parent.length && parent.every((rdn, i) => entry[entry.length - parent.length + i] === rdn)
  );
}

function firstHex(entry: Entry, attribute: string): string {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const one = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(one) ? one.toString('hex') : '';
}

function first(entry: Entry, attribute: string): string {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return '';
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

function tlsFor(config: LdapProviderConfig): ConnectionOptions | undefined {
  if (!config.url.startsWith('ldaps:') && !config.startTls) return undefined;
  const options: ConnectionOptions = { minVersion: 'TLSv1.2' };
  if (config.tls.caFile) {
    try {
      options.ca = [readFileSync(config.tls.caFile)];
    } catch (error) {
      throw new ProviderConfigError(
        `providers.${config.id}.tls.caFile: ${config.tls.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (config.tls.servername) options.servername = config.tls.servername;
  return options;
}
