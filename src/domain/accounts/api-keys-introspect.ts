import type { SessionStore } from '../auth/sessions.js';
import type { Clock } from '../shared/clock.js';
import { hashToken } from '../shared/tokens.js';
import { type ApiKeyStore, authenticateApiKey, looksLikeApiKey } from './api-keys.js';
import type { Role, User } from './user.js';

/** What the host platform learns about a token it was handed: who it belongs to, until when. */
export type Introspection =
  | { readonly active: false }
  | {
      readonly active: true;
      readonly kind: 'api_key' | 'session';
      readonly user: {
        readonly id: string;
        readonly username: string;
        readonly email: string;
        readonly firstName: string;
        readonly lastName: string;
        readonly role: Role;
      };
      /** Null for an API key without expiry. */
      readonly expiresAt: Date | null;
    };

export interface IntrospectDeps {
  readonly apiKeys: ApiKeyStore;
  readonly sessions: Pick<SessionStore, 'findWithUser'>;
  readonly clock: Clock;
}

const INACTIVE: Introspection = { active: false };
// Session tokens are 32 base32 characters; anything far longer is not worth hashing.
const MAX_SESSION_TOKEN = 100;

/**
 * Resolves an API key or a session token for the host platform. Unknown, expired, revoked tokens and
 * those of disabled users are all just inactive: the caller is a service, not the key's owner. A
 * session is only read (never extended or deleted); an API key's use is recorded as by the API.
 */
export async function introspectToken(
  deps: IntrospectDeps,
  token: string,
  meta: { ip: string | null },
): Promise<Introspection> {
  if (looksLikeApiKey(token)) {
    const found = await authenticateApiKey(deps, token, meta);
    if (found === null || 'failure' in found) return INACTIVE;
    return active('api_key', found.user, found.key.expiresAt);
  }
  if (token.length === 0 || token.length > MAX_SESSION_TOKEN) return INACTIVE;
  const found = await deps.sessions.findWithUser(hashToken(token));
  if (!found || found.user.disabled) return INACTIVE;
  if (found.session.expiresAt.getTime() <= deps.clock().getTime()) return INACTIVE;
  return active('session', found.user, found.session.expiresAt);
}

function active(kind: 'api_key' | 'session', user: User, expiresAt: Date | null): Introspection {
  return {
    active: true,
    kind,
    user: {
      id: user.id,
      username: user.username,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      role: user.role,
    },
    expiresAt,
  };
}
