import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import { type Catalog, NO_OVERRIDE } from './catalog.js';
import { resolveSetting } from './preferences.js';
import { storedOrDefault } from './settings.js';
import type { DigestDefaults, NotificationSettingsStore } from './settings-ports.js';
import { type Signer, verifyUnsubscribeToken } from './unsubscribe-token.js';

export interface UnsubscribeDeps {
  readonly catalog: Catalog;
  readonly signer: () => Promise<Signer>;
  readonly users: { findById(id: string): Promise<{ readonly id: string } | null> };
  readonly settings: NotificationSettingsStore;
  readonly digestDefaults: DigestDefaults;
  readonly clock: Clock;
  readonly transact: Transact<{ notificationSettings: NotificationSettingsStore }>;
}

/** What a token unsubscribes from, in words, and whether it is already off. */
export interface UnsubscribeTarget {
  readonly userId: string;
  readonly stream: 'type' | 'digest';
  /** The type's label, or "Digest". */
  readonly label: string;
  readonly type: string | null;
  readonly alreadyOff: boolean;
}

const invalid = () =>
  new DomainError(
    'token_invalid',
    'This unsubscribe link is not valid. Open the link from the email again, or change your notification settings after signing in.',
  );

/** Reads a token without changing anything (the confirmation page). */
export async function describeUnsubscribe(deps: UnsubscribeDeps, token: string): Promise<UnsubscribeTarget> {
  const found = verifyUnsubscribeToken(await deps.signer(), token);
  if (!found || !(await deps.users.findById(found.userId))) throw invalid();
  const { userId, stream } = found;
  if (stream.kind === 'digest') {
    const s = storedOrDefault(await deps.settings.userSettings(userId), deps.digestDefaults);
    return { userId, stream: 'digest', label: 'Digest', type: null, alreadyOff: s.digestFrequency === 'off' };
  }
  const type = deps.catalog.get(stream.type);
  if (!type) throw invalid();
  if (type.locked) {
    throw new DomainError(
      'notification_locked',
      `“${type.label}” is a security notice and cannot be switched off.`,
    );
  }
  const [workspace, overrides] = await Promise.all([
    deps.settings.workspaceDefaults(),
    deps.settings.userOverrides(userId),
  ]);
  const effective = resolveSetting(type, workspace.get(type.type), overrides.get(type.type));
  return {
    userId,
    stream: 'type',
    label: type.label,
    type: type.type,
    alreadyOff: !effective.channels.email,
  };
}

/** RFC 8058 one-click: switches that type's emails (or the digest) off for the token's user. */
export async function unsubscribe(deps: UnsubscribeDeps, token: string): Promise<UnsubscribeTarget> {
  const target = await describeUnsubscribe(deps, token);
  await deps.transact(async ({ notificationSettings: store }) => {
    const now = deps.clock();
    if (target.stream === 'digest') {
      const s = storedOrDefault(await store.userSettings(target.userId), deps.digestDefaults);
      await store.saveUserSettings(target.userId, { ...s, digestFrequency: 'off' }, now);
      return;
    }
    const current = (await store.userOverrides(target.userId)).get(target.type!) ?? NO_OVERRIDE;
    await store.saveUserOverrides(
      target.userId,
      [{ type: target.type!, override: { ...current, email: false } }],
      now,
    );
  });
  return { ...target, alreadyOff: true };
}
