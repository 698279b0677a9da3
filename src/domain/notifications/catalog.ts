import { checkFieldsMessage, DomainError } from '../shared/errors.js';

export type Channel = 'inbox' | 'email' | 'digest';
export const CHANNELS: readonly Channel[] = ['inbox', 'email', 'digest'];

export interface Channels {
  readonly inbox: boolean;
  readonly email: boolean;
  readonly digest: boolean;
}

/** A sparse setting: each channel either set or following the level below (null). */
export interface ChannelOverride {
  readonly inbox: boolean | null;
  readonly email: boolean | null;
  readonly digest: boolean | null;
}

/** One entry of the type catalog (from configuration). */
export interface NotificationType {
  readonly type: string;
  readonly label: string;
  readonly description: string;
  /** Default channels as configured; administrators may override them at runtime. */
  readonly channels: Channels;
  /** Security notices: nobody can switch any channel of a locked type. */
  readonly locked: boolean;
  /** Whether the type may go into the digest email. */
  readonly digestible: boolean;
}

/** The catalog with lookup by id, in configuration order. */
export interface Catalog {
  readonly types: readonly NotificationType[];
  get(type: string): NotificationType | undefined;
  /** The type or a `validation_failed` naming the known ones. */
  require(type: string, field?: string): NotificationType;
}

/** Builds the catalog from the configured types. */
export function createCatalog(types: readonly NotificationType[]): Catalog {
  const byId = new Map(types.map((t) => [t.type, t]));
  return {
    types,
    get: (type) => byId.get(type),
    require(type, field = 'type') {
      const found = byId.get(type);
      if (found) return found;
      const message = `unknown notification type "${type.slice(0, 80)}"; known types: ${[...byId.keys()].join(', ')}`;
      throw new DomainError('validation_failed', checkFieldsMessage([{ field, message }]), {
        issues: [{ field, message }],
      });
    },
  };
}

export const NO_OVERRIDE: ChannelOverride = { inbox: null, email: null, digest: null };
