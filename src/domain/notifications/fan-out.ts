import type { ChannelOverride, NotificationType } from './catalog.js';
import type {
  DigestItemRow,
  InboxRow,
  IncomingEvent,
  NotificationEmail,
  StoredEvent,
} from './ingest-ports.js';
import { type EventContent, notificationEmail, notificationWhen, previewText } from './notification-email.js';
import { orderedId } from './ordered-id.js';
import { type Delivery, type Recipient, routeEvent } from './routing.js';
import { type Signer, signUnsubscribeToken } from './unsubscribe-token.js';

/** Everything one event writes: its row, and per recipient an inbox row, a digest item, an email. */
export interface Planned {
  readonly event: StoredEvent;
  readonly inbox: InboxRow[];
  readonly digest: DigestItemRow[];
  readonly emails: NotificationEmail[];
}

export interface FanOutContext {
  readonly workspace: ReadonlyMap<string, ChannelOverride>;
  readonly signer: Signer;
  readonly now: Date;
  readonly publicUrl: string;
  readonly listIdDomain: string;
}

/**
 * Plans one event: the stored event, and for each delivery the routing chose, its rows and its email.
 * Pure apart from fresh ids; nothing is written here.
 */
export function planEvent(
  ctx: FanOutContext,
  p: {
    event: IncomingEvent;
    type: NotificationType;
    hash: string;
    known: Recipient[];
    actor: Recipient | undefined;
  },
): Planned {
  const stored = storedEvent(p.event, p.type, p.hash, p.actor, ctx.now.getTime());
  const content: EventContent = {
    title: stored.title,
    body: stored.body,
    url: stored.url,
    actorName: p.actor?.displayName ?? stored.actor,
    project: stored.project,
    occurredAt: new Date(stored.occurredAt),
    preview: previewText(stored.title, stored.body),
  };
  // Most recipients share a date style: format each style once per event.
  const whens = new Map<string, string>();
  const whenFor = ({ preferences: prefs }: Recipient) => {
    const key = `${prefs.fuzzyDates}|${prefs.timeZone}|${prefs.locale}`;
    let when = whens.get(key);
    if (when === undefined) {
      when = notificationWhen(p.type, content.occurredAt, ctx.now, prefs);
      whens.set(key, when);
    }
    return when;
  };
  const routing = routeEvent(p.type, p.known, p.actor?.id ?? null, ctx.workspace.get(p.type.type));
  const planned: Planned = { event: stored, inbox: [], digest: [], emails: [] };
  for (const delivery of routing.deliveries) {
    const { inbox, digest } = deliveryRows(stored, delivery);
    if (inbox) planned.inbox.push(inbox);
    if (digest) planned.digest.push(digest);
    if (delivery.channels.email && !p.event.inboxOnly)
      planned.emails.push(emailFor(ctx, p.type, content, delivery, whenFor(delivery.recipient)));
  }
  return planned;
}

function storedEvent(
  event: IncomingEvent,
  type: NotificationType,
  hash: string,
  actor: Recipient | undefined,
  createdAt: number,
): StoredEvent {
  return {
    id: orderedId(createdAt),
    idempotencyKey: event.idempotencyKey,
    contentHash: hash,
    type: type.type,
    title: event.title,
    body: event.body ?? null,
    url: event.url ?? null,
    actor: event.actor ?? null,
    actorUserId: actor?.id ?? null,
    project: event.project ?? null,
    occurredAt: event.occurredAt?.getTime() ?? createdAt,
    createdAt,
  };
}

function deliveryRows(event: StoredEvent, { recipient, channels }: Delivery) {
  const createdAt = event.createdAt;
  const inbox: InboxRow | null = channels.inbox
    ? { id: orderedId(createdAt), userId: recipient.id, eventId: event.id, type: event.type, createdAt }
    : null;
  const digest: DigestItemRow | null = channels.digest
    ? {
        id: orderedId(createdAt),
        userId: recipient.id,
        eventId: event.id,
        inboxId: inbox?.id ?? null,
        type: event.type,
        project: event.project,
        occurredAt: event.occurredAt,
        createdAt,
      }
    : null;
  return { inbox, digest };
}

function emailFor(
  ctx: FanOutContext,
  type: NotificationType,
  content: EventContent,
  delivery: Delivery,
  when: string,
) {
  // Security notices cannot be left, so they carry no unsubscribe link (nor List-Unsubscribe).
  const token = type.locked
    ? null
    : signUnsubscribeToken(ctx.signer, delivery.recipient.id, { kind: 'type', type: type.type });
  return notificationEmail({
    type,
    content,
    recipient: delivery.recipient,
    emailSource: delivery.emailSource,
    when,
    settingsUrl: `${ctx.publicUrl}/account/notifications`,
    unsubscribeUrl: token ? `${ctx.publicUrl}/unsubscribe?token=${token}` : null,
    listIdDomain: ctx.listIdDomain,
  });
}
