import { sql } from 'kysely';
import type { OutboxQueue, QueuedEmail } from '../../domain/mail/deliver-outbox.js';
import type { Outbox, OutgoingEmail, RenderedEmail } from '../../domain/mail/email.js';
import { newId } from '../../domain/shared/tokens.js';
import { claimDue } from './claim.js';
import type { Db, Executor } from './database.js';

export type RenderEmail = (email: OutgoingEmail) => Promise<RenderedEmail>;

/** Writes emails into the outbox table through `executor`, so they commit with the caller's change. */
export function outboxWriter(executor: Executor, render: RenderEmail, clock: () => Date): Outbox {
  return {
    async enqueue(email) {
      const rendered = await render(email);
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

/** The delivery side of the outbox; claims are leased to `owner` for `leaseMs`. */
export function outboxQueue(db: Db, owner: string, leaseMs = 5 * 60_000): OutboxQueue {
  return {
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
        .select(['id', 'to_address', 'subject', 'html', 'text', 'headers', 'attempts'])
        .where('id', 'in', ids)
        .where('lease_owner', '=', owner)
        .execute();
      return rows.map(
        (r): QueuedEmail => ({
          id: r.id,
          to: r.to_address,
          subject: r.subject,
          html: r.html,
          text: r.text,
          headers: JSON.parse(r.headers) as Record<string, string>,
          attempts: r.attempts,
        }),
      );
    },
    async markSent(id, now) {
      await db.kysely
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: now.getTime(), lease_owner: null, lease_until: null })
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
        })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },
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
