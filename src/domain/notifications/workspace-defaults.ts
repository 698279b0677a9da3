import type { Clock } from '../shared/clock.js';
import type { FieldIssue } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import { type Catalog, CHANNELS, type Channel, type Channels, NO_OVERRIDE } from './catalog.js';
import { workspaceDefault } from './preferences.js';
import { type ChannelChange, checkTypeChanges, merge, throwIssues } from './settings.js';
import type { NotificationSettingsStore } from './settings-ports.js';

export interface DefaultView {
  readonly type: string;
  readonly label: string;
  readonly description: string;
  /** The default every user without an override of their own gets. */
  readonly channels: Channels;
  /** The value in configuration. */
  readonly configured: Channels;
  /** Channels an administrator changed from the configuration. */
  readonly overridden: readonly Channel[];
  readonly digestible: boolean;
  readonly locked?: true;
}

export interface WorkspaceDefaultsDeps {
  readonly catalog: Catalog;
  readonly settings: NotificationSettingsStore;
  readonly clock: Clock;
  readonly transact: Transact<{ notificationSettings: NotificationSettingsStore }>;
}

/** The workspace defaults of every type, with what configuration says and what was changed. */
export async function getWorkspaceDefaults(deps: WorkspaceDefaultsDeps): Promise<DefaultView[]> {
  const workspace = await deps.settings.workspaceDefaults();
  return deps.catalog.types.map((type) => {
    const ws = type.locked ? undefined : workspace.get(type.type);
    return {
      type: type.type,
      label: type.label,
      description: type.description,
      channels: workspaceDefault(type, ws),
      configured: type.channels,
      overridden: CHANNELS.filter((c) => ws?.[c] !== null && ws?.[c] !== undefined),
      digestible: type.digestible,
      ...(type.locked ? { locked: true as const } : {}),
    };
  });
}

/**
 * Changes workspace defaults (null: back to the configured value). It reaches every user who has not
 * overridden that channel themselves; locked types answer 409 `notification_locked`.
 */
export async function updateWorkspaceDefaults(
  deps: WorkspaceDefaultsDeps,
  adminId: string,
  entries: readonly { readonly type: string; readonly channels: ChannelChange }[],
): Promise<DefaultView[]> {
  const issues: FieldIssue[] = [];
  const changes = checkTypeChanges(deps.catalog, entries, issues, 'types');
  throwIssues(issues);
  await deps.transact(async ({ notificationSettings: store }) => {
    const current = await store.workspaceDefaults();
    const merged = changes.map(({ type, channels }) => ({
      type,
      override: merge(current.get(type) ?? NO_OVERRIDE, channels),
    }));
    await store.saveWorkspaceDefaults(merged, adminId, deps.clock());
  });
  return getWorkspaceDefaults(deps);
}
