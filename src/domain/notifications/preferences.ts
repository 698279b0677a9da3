import type { Channel, ChannelOverride, Channels, NotificationType } from './catalog.js';

/** Where an effective channel value comes from, so emails and pages can say why. */
export type SettingSource = 'locked' | 'user' | 'workspace' | 'catalog';

export interface EffectiveSetting {
  readonly channels: Channels;
  readonly source: Readonly<Record<Channel, SettingSource>>;
}

/** The workspace default of a type: the administrator's override per channel, else the catalog's. */
export function workspaceDefault(type: NotificationType, workspace: ChannelOverride | undefined): Channels {
  if (type.locked) return type.channels;
  const pick = (c: Channel) => workspace?.[c] ?? type.channels[c];
  return { inbox: pick('inbox'), email: pick('email'), digest: type.digestible && pick('digest') };
}

/**
 * The effective setting of one user for one type: per channel the user's override, else the workspace
 * default, else the catalog. A locked type is always its catalog value; a non-digestible one never digests.
 */
export function resolveSetting(
  type: NotificationType,
  workspace: ChannelOverride | undefined,
  user: ChannelOverride | undefined,
): EffectiveSetting {
  if (type.locked) {
    return { channels: type.channels, source: { inbox: 'locked', email: 'locked', digest: 'locked' } };
  }
  const one = (c: Channel): [boolean, SettingSource] => {
    const own = user?.[c];
    if (own !== null && own !== undefined) return [own, 'user'];
    const ws = workspace?.[c];
    if (ws !== null && ws !== undefined) return [ws, 'workspace'];
    return [type.channels[c], 'catalog'];
  };
  const [inbox, inboxSource] = one('inbox');
  const [email, emailSource] = one('email');
  const [digest, digestSource] = one('digest');
  return {
    channels: { inbox, email, digest: type.digestible && digest },
    source: { inbox: inboxSource, email: emailSource, digest: digestSource },
  };
}
