/**
 * Assembling one user's digest from their pending digest items: a pure function, so the run, the
 * preview and the tests all see the same digest.
 */

/** A notification waiting for the user's next digest. */
export interface PendingDigestItem {
  readonly id: string;
  readonly type: string;
  /** The host platform's project name, or null for items outside any project. */
  readonly project: string | null;
  readonly title: string;
  readonly url: string | null;
  /** When it happened (epoch ms). */
  readonly occurredAt: number;
  /** The user already read it in the inbox: a digest would only repeat it. */
  readonly read: boolean;
}

export interface DigestEntry {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly occurredAt: number;
  /** `occurredAt` in the recipient's date style (fuzzy or exact, their zone and locale). */
  readonly when: string;
}

export interface DigestTypeGroup {
  readonly type: string;
  readonly label: string;
  /** Items of this type in this project, shown or not. */
  readonly count: number;
  /** How many of them did not fit in the email. */
  readonly more: number;
  readonly items: readonly DigestEntry[];
}

export interface DigestProject {
  /** null: items that belong to no project. */
  readonly name: string | null;
  readonly count: number;
  readonly types: readonly DigestTypeGroup[];
}

export interface DigestContent {
  /** Unread items in the digest. */
  readonly total: number;
  readonly shown: number;
  /** `total - shown`: told as "and N more" with a link to the inbox. */
  readonly more: number;
  readonly projects: readonly DigestProject[];
}

export interface AssemblyOptions {
  /** The most items one email lists; the newest are kept. */
  readonly limit: number;
  /** The type's label from the catalog (falls back to the type id). */
  readonly typeLabel: (type: string) => string;
  /** Formats an instant in the recipient's date style. */
  readonly formatTime: (epochMs: number) => string;
}

/** The default number of items one digest email lists before "and N more". */
export const DEFAULT_DIGEST_LIMIT = 50;

/**
 * Groups the unread items by project, then type, with counts; keeps the newest `limit` items and
 * counts the rest as "more". Items already read in the inbox are left out entirely.
 */
export function assembleDigest(items: readonly PendingDigestItem[], options: AssemblyOptions): DigestContent {
  const unread = items.filter((item) => !item.read);
  const newestFirst = [...unread].sort(
    (a, b) => b.occurredAt - a.occurredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const shownIds = new Set(newestFirst.slice(0, Math.max(0, options.limit)).map((item) => item.id));

  const byProject = new Map<string | null, Map<string, PendingDigestItem[]>>();
  for (const item of newestFirst) {
    let byType = byProject.get(item.project);
    if (!byType) {
      byType = new Map();
      byProject.set(item.project, byType);
    }
    const list = byType.get(item.type);
    if (list) list.push(item);
    else byType.set(item.type, [item]);
  }

  const projects: DigestProject[] = [...byProject.entries()]
    .sort(([a], [b]) => compareProjects(a, b))
    .map(([name, byType]) => {
      const types = [...byType.entries()]
        .map(([type, list]): DigestTypeGroup => {
          const shown = list.filter((item) => shownIds.has(item.id));
          return {
            type,
            label: options.typeLabel(type),
            count: list.length,
            more: list.length - shown.length,
            items: shown.map((item) => ({
              id: item.id,
              title: item.title,
              url: item.url,
              occurredAt: item.occurredAt,
              when: options.formatTime(item.occurredAt),
            })),
          };
        })
        .sort((a, b) => a.label.localeCompare(b.label) || a.type.localeCompare(b.type));
      return { name, count: types.reduce((sum, t) => sum + t.count, 0), types };
    });

  return { total: unread.length, shown: shownIds.size, more: unread.length - shownIds.size, projects };
}

// Projects alphabetically, items without a project last.
function compareProjects(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b);
}

/** A one-line summary for the subject and preview: "12 updates in 3 projects". */
export function digestSummary(content: DigestContent): string {
  const updates = `${content.total} ${content.total === 1 ? 'update' : 'updates'}`;
  const named = content.projects.filter((p) => p.name !== null).length;
  if (named === 0) return updates;
  return `${updates} in ${named} ${named === 1 ? 'project' : 'projects'}`;
}

/** What the digest email template receives: everything already assembled and formatted. */
export interface DigestEmailData {
  readonly frequency: 'daily' | 'weekly';
  /** How to greet the recipient: first name, else username. */
  readonly name: string;
  readonly summary: string;
  readonly content: DigestContent;
  readonly inboxUrl: string;
  readonly settingsUrl: string;
  /** One-click unsubscribe from the digest stream (also sent as List-Unsubscribe). */
  readonly unsubscribeUrl: string;
}

export type DigestEmailModel = { readonly template: 'digest'; readonly data: DigestEmailData };
