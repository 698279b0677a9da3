import { sql } from 'kysely';
import type { OutboxQueue, QueuedEmail } from '../../domain/mail/deliver-outbox.js';
import type { Outbox, OutgoingEmail, RenderedEmail } from '../../domain/mail/email.js';
import { type EmailLink, LINK_TEMPLATES, mintEmailLink } from '../../domain/mail/email-links.js';
import { newId } from '../../domain/shared/tokens.js';
import { claimDue } from './claim.js';
import type { Db, Executor } from './database.js';
import { linkMinter } from './tokens-store.js';

export type RenderEmail = (email: OutgoingEmail) => Promise<RenderedEmail>;

/** Writes emails into the outbox table through `executor`, so they commit with the caller's change. */
export function outboxWriter(executor: Executor, render: RenderEmail, clock: () => Date): Outbox {
  return {
    async enqueue(email) {
      // An email with a one-time link is stored as its fields: its token does not exist yet (email-links.ts).
      const rendered = email.link ? { subject: '', html: '', text: '' } : await render(email);
      const now = clock().getTime();
      await executor
        .insertInto('outbox')
        .values({
          id: newId(),
          to_address: email.to,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          headers: JSON.stringify(email.headers ?? {}),
          template: email.template,
          data: email.link ? JSON.stringify(email.data) : null,
          link: email.link ? JSON.stringify(email.link) : null,
          status: 'pending',
          next_attempt_at: now,
          created_at: now,
          lease_owner: null,
          lease_until: null,
          last_error: null,
          sent_at: null,
        })
        .execute();
    },
  };
}

/**
 * The delivery side of the outbox; claims are leased to `owner` for `leaseMs`. Emails stored as their
 * template's fields (notification emails, see migration 0011, and emails with a one-time link, 0012) are
 * filled in with `render` as they are claimed, a link's token minted first (each claim mints anew, and
 * the filled-in text is never written back); one that cannot be filled in is marked dead with the
 * reason, since a retry would fail alike, and reported to `onUnfillable` (the service logs it: the
 * delivery job never sees that email).
 */
export function outboxQueue(
  db: Db,
  owner: string,
  options: {
    render: RenderEmail;
    leaseMs?: number;
    onUnfillable?: (email: { id: string; template: string; error: string }) => void;
  },
): OutboxQueue {
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const minter = linkMinter(db.kysely);
  const queue: OutboxQueue = {
    async claim(limit, now) {
      const ids = await claimDue(db, 'outbox', {
        owner,
        now: now.getTime(),
        leaseMs,
        limit,
        due: sql`status = 'pending' and next_attempt_at <= ${now.getTime()}`,
        orderBy: sql`next_attempt_at`,
      });
      if (ids.length === 0) return [];
      const rows = await db.kysely
        .selectFrom('outbox')
        .select([
          'id',
          'to_address',
          'subject',
          'html',
          'text',
          'headers',
          'template',
          'data',
          'link',
          'attempts',
        ])
        .where('id', 'in', ids)
        .where('lease_owner', '=', owner)
        .execute();
      const claimed: QueuedEmail[] = [];
      for (const r of rows) {
        const headers = JSON.parse(r.headers) as Record<string, string>;
        const email = { id: r.id, to: r.to_address, headers, attempts: r.attempts };
        if (r.data === null) {
          claimed.push({ ...email, subject: r.subject, html: r.html, text: r.text });
          continue;
        }
        try {
          // The row was written from an OutgoingEmail of this template (notification-ingest-store.ts, enqueue).
          const model = {
            template: r.template,
            data: JSON.parse(r.data),
            to: r.to_address,
            ...(r.link === null ? {} : { link: JSON.parse(r.link) as EmailLink }),
          } as OutgoingEmail;
          const filled = await mintEmailLink(minter, model, now);
          claimed.push({ ...email, ...(await options.render(filled)) });
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          const failure = `could not fill in the ${r.template} email: ${reason}`.slice(0, 1000);
          await queue.markFailed(r.id, { attempts: r.attempts + 1, retryAt: null, error: failure });
          options.onUnfillable?.({ id: r.id, template: r.template, error: failure });
        }
      }
      return claimed;
    },
    async markSent(id, now) {
      await db.kysely
        .updateTable('outbox')
        .set({
          status: 'sent',
          sent_at: now.getTime(),
          lease_owner: null,
          lease_until: null,
          ...forgetLegacyLink(),
        })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },
    async markFailed(id, failure) {
      await db.kysely
        .updateTable('outbox')
        .set({
          status: failure.retryAt ? 'pending' : 'dead',
          attempts: failure.attempts,
          next_attempt_at: failure.retryAt?.getTime() ?? sql<number>`next_attempt_at`,
          last_error: failure.error,
          lease_owner: null,
          lease_until: null,
          ...(failure.retryAt ? {} : forgetLegacyLink()),
        })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },
  };
  return queue;
}

/**
 * An email with a link queued rendered, before migration 0012, holds its token: once it is settled
 * (sent or dead) its text is dropped. Emails stored as fields hold no text to drop.
 */
function forgetLegacyLink() {
  const legacy = sql`data is null and template in (${sql.join([...LINK_TEMPLATES])})`;
  return {
    html: sql<string>`case when ${legacy} then '' else html end`,
    text: sql<string>`case when ${legacy} then '' else text end`,
  };
}

/** Pending emails, for the outbox-depth gauge. */
export async function outboxDepth(db: Db): Promise<number> {
  const row = await db.kysely
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
