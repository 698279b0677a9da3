import type { Preferences } from '../accounts/user.js';
import type { ChannelOverride, Channels, NotificationType } from './catalog.js';
import { resolveSetting, type SettingSource } from './preferences.js';

/** A known recipient with everything routing needs. */
export interface Recipient {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly preferences: Preferences;
  /** The user asked to hear of their own actions too. */
  readonly notifyOwnActions: boolean;
  /** Sparse per-type overrides of this user. */
  readonly overrides: ReadonlyMap<string, ChannelOverride>;
}

export interface Delivery {
  readonly recipient: Recipient;
  readonly channels: Channels;
  /** Why email is on, for the "why you got this" line. */
  readonly emailSource: SettingSource;
}

export type SkipReason = 'own-action' | 'disabled' | 'all-channels-off';

export interface Routing {
  readonly deliveries: readonly Delivery[];
  readonly skipped: readonly { readonly userId: string; readonly reason: SkipReason }[];
}

/**
 * Decides who hears of one event and how: each recipient's effective setting for the type; the actor
 * is left out unless they opted in; disabled accounts hear nothing. Recipients must be distinct.
 */
export function routeEvent(
  type: NotificationType,
  recipients: readonly Recipient[],
  actorId: string | null,
  workspace: ChannelOverride | undefined,
): Routing {
  const deliveries: Delivery[] = [];
  const skipped: { userId: string; reason: SkipReason }[] = [];
  for (const recipient of recipients) {
    if (recipient.disabled) {
      skipped.push({ userId: recipient.id, reason: 'disabled' });
      continue;
    }
    if (actorId !== null && recipient.id === actorId && !recipient.notifyOwnActions) {
      skipped.push({ userId: recipient.id, reason: 'own-action' });
      continue;
    }
    const setting = resolveSetting(type, workspace, recipient.overrides.get(type.type));
    const { channels } = setting;
    if (!channels.inbox && !channels.email && !channels.digest) {
      skipped.push({ userId: recipient.id, reason: 'all-channels-off' });
      continue;
    }
    deliveries.push({ recipient, channels, emailSource: setting.source.email });
  }
  return { deliveries, skipped };
}
