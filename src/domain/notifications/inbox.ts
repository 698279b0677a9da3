import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';

export interface InboxItem {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly body: string | null;
  readonly url: string | null;
  readonly actor: string | null;
  readonly project: string | null;
  readonly occurredAt: Date;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/** Position in a newest-first listing: strictly older than this. */
export interface InboxPosition {
  readonly createdAt: number;
  readonly id: string;
}

/** One user's inbox; every method is scoped to `userId`, so nobody reaches another's rows. */
export interface InboxStore {
  /** Newest first, strictly after `before` when given. */
  page(
    userId: string,
    o: { unreadOnly: boolean; limit: number; before: InboxPosition | null },
  ): Promise<InboxItem[]>;
  unreadCount(userId: string): Promise<number>;
  /** Marks the user's own items among `ids`; returns how many changed. */
  markRead(userId: string, ids: readonly string[], now: Date): Promise<number>;
  markAllRead(userId: string, now: Date): Promise<number>;
}

export interface InboxPage {
  readonly items: readonly InboxItem[];
  readonly nextCursor: string | null;
  readonly unreadCount: number;
}

export function encodeCursor(p: InboxPosition): string {
  return encodeBase64urlNoPadding(new TextEncoder().encode(`${p.createdAt}:${p.id}`));
}

/** The position a cursor names, or `validation_failed`. */
export function decodeCursor(cursor: string): InboxPosition {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64urlIgnorePadding(cursor));
    const match = /^(\d{1,16}):([\w-]{1,64})$/.exec(text);
    if (match) return { createdAt: Number(match[1]), id: match[2]! };
  } catch {
    // falls through to the error below
  }
  throw new DomainError('validation_failed', 'Check this field: cursor: is not a cursor this API returned.', {
    issues: [{ field: 'cursor', message: 'is not a cursor this API returned' }],
  });
}

/** One page of the user's inbox, newest first, with the unread count. */
export async function listInbox(
  deps: { inbox: InboxStore },
  userId: string,
  o: { unreadOnly: boolean; limit: number; cursor: string | null },
): Promise<InboxPage> {
  const before = o.cursor ? decodeCursor(o.cursor) : null;
  const [rows, unreadCount] = await Promise.all([
    deps.inbox.page(userId, { unreadOnly: o.unreadOnly, limit: o.limit + 1, before }),
    deps.inbox.unreadCount(userId),
  ]);
  const items = rows.slice(0, o.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > o.limit && last ? encodeCursor({ createdAt: last.createdAt.getTime(), id: last.id }) : null;
  return { items, nextCursor, unreadCount };
}

/** Marks items (or all) read for this user only; returns the count changed and the new unread count. */
export async function markRead(
  deps: { inbox: InboxStore; clock: Clock },
  userId: string,
  what: { ids: readonly string[] } | { all: true },
): Promise<{ marked: number; unreadCount: number }> {
  const now = deps.clock();
  const marked =
    'all' in what
      ? await deps.inbox.markAllRead(userId, now)
      : await deps.inbox.markRead(userId, what.ids, now);
  return { marked, unreadCount: await deps.inbox.unreadCount(userId) };
}
