import { identityKey } from '../accounts/user.js';
import type { Clock } from '../shared/clock.js';
import { checkFieldsMessage, DomainError, type FieldIssue } from '../shared/errors.js';
import type { Transact } from '../shared/transaction.js';
import type { Catalog, NotificationType } from './catalog.js';
import { type Planned, planEvent } from './fan-out.js';
import { contentHash, dedupeBatch, idempotencyConflict } from './idempotency.js';
import type { IncomingEvent, IngestWriter, RecipientDirectory } from './ingest-ports.js';
import type { Recipient } from './routing.js';
import type { Signer } from './unsubscribe-token.js';

export interface IngestDeps {
  readonly catalog: Catalog;
  readonly directory: RecipientDirectory;
  readonly transact: Transact<{ notificationIngest: IngestWriter }>;
  /** The unsubscribe-link signer (its key is loaded once, from the database). */
  readonly signer: () => Promise<Signer>;
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly listIdDomain: string;
}

export interface IngestReport {
  /** Events stored by this call. */
  readonly accepted: number;
  /** Events already stored under the same key with the same content (or repeated in the batch). */
  readonly duplicates: number;
  /** Recipients nobody here is known as, per event: nothing was delivered to them. */
  readonly unknownRecipients: readonly { idempotencyKey: string; recipients: readonly string[] }[];
  readonly deliveries: { readonly inbox: number; readonly email: number; readonly digest: number };
}

/**
 * Stores a batch of events and fans each out, by every recipient's effective settings, into inbox rows,
 * immediate emails and pending digest items: all in one transaction, or nothing. An idempotency key is
 * stored once; the same key with other content is refused with 409 and nothing of the batch is stored.
 */
export async function ingestEvents(
  deps: IngestDeps,
  events: readonly IncomingEvent[],
  /** Where event `index` sits in the request (`events.3`), or '' for a single event. */
  fieldOf: (index: number) => string = (i) => `events.${i}`,
): Promise<IngestReport> {
  const at = (i: number, field: string) => (fieldOf(i) ? `${fieldOf(i)}.${field}` : field);
  const types = events.map((e, i) => requireType(deps.catalog, e.type, at(i, 'type')));
  assertNoIssues(types.flatMap((t) => (typeof t === 'object' && 'field' in t ? [t] : [])));
  const hashes = events.map(contentHash);
  const { firsts, repeated } = dedupeBatch(events, hashes);

  const keys = [...new Set(firsts.flatMap((i) => [...events[i]!.recipients, events[i]!.actor ?? '']))];
  const [users, workspace, signer] = await Promise.all([
    deps.directory.find(keys.filter((k) => k.length > 0)),
    deps.directory.workspaceDefaults(),
    deps.signer(),
  ]);
  const lookup = recipientLookup(users);
  const ctx = {
    workspace,
    signer,
    now: deps.clock(),
    publicUrl: deps.publicUrl,
    listIdDomain: deps.listIdDomain,
  };
  const unknownRecipients: { idempotencyKey: string; recipients: string[] }[] = [];
  const planned: Planned[] = [];
  for (const i of firsts) {
    const event = events[i]!;
    const type = types[i] as NotificationType;
    const { known, unknown } = resolveRecipients(event.recipients, lookup);
    if (unknown.length > 0)
      unknownRecipients.push({ idempotencyKey: event.idempotencyKey, recipients: unknown });
    const actor = event.actor ? lookup(event.actor) : undefined;
    planned.push(planEvent(ctx, { event, type, hash: hashes[i]!, known, actor }));
  }

  const written = await writeBatch(deps, planned);
  return { ...written, duplicates: written.duplicates + repeated, unknownRecipients };
}

function requireType(catalog: Catalog, type: string, field: string): NotificationType | FieldIssue {
  const found = catalog.get(type);
  if (found) return found;
  const known = catalog.types.map((t) => t.type).join(', ');
  return { field, message: `unknown notification type "${type.slice(0, 80)}"; known types: ${known}` };
}

function assertNoIssues(issues: readonly FieldIssue[]): void {
  if (issues.length === 0) return;
  throw new DomainError('validation_failed', checkFieldsMessage(issues), { issues });
}

function recipientLookup(users: readonly Recipient[]): (key: string) => Recipient | undefined {
  const byId = new Map(users.map((u) => [u.id, u]));
  const byName = new Map(users.map((u) => [identityKey(u.username), u]));
  return (key) => byId.get(key) ?? byName.get(identityKey(key));
}

/** Distinct known users (one may be named by id and by username) and the names nobody answers to. */
function resolveRecipients(names: readonly string[], lookup: (key: string) => Recipient | undefined) {
  const known = new Map<string, Recipient>();
  const unknown = new Set<string>();
  for (const name of names) {
    const user = lookup(name);
    if (user) known.set(user.id, user);
    else unknown.add(name);
  }
  return { known: [...known.values()], unknown: [...unknown] };
}

class RaceLost extends Error {}

/** The one transaction: skip keys already stored (same content) or refuse them (other content). */
async function writeBatch(deps: IngestDeps, planned: readonly Planned[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.transact(async ({ notificationIngest: w }) => {
        const existing = await w.existingKeys(planned.map((p) => p.event.idempotencyKey));
        const fresh = planned.filter((p) => {
          const hash = existing.get(p.event.idempotencyKey);
          if (hash !== undefined && hash !== p.event.contentHash)
            throw idempotencyConflict(p.event.idempotencyKey);
          return hash === undefined;
        });
        // A concurrent request (PostgreSQL) may store one of our keys between the check and the insert.
        const inserted = await w.insertEvents(fresh.map((p) => p.event));
        if (inserted !== fresh.length) throw new RaceLost();
        const inbox = fresh.flatMap((p) => p.inbox);
        const digest = fresh.flatMap((p) => p.digest);
        const emails = fresh.flatMap((p) => p.emails);
        await w.insertInbox(inbox);
        await w.insertDigestItems(digest);
        await w.insertEmails(emails);
        return {
          accepted: fresh.length,
          duplicates: planned.length - fresh.length,
          deliveries: { inbox: inbox.length, email: emails.length, digest: digest.length },
        };
      });
    } catch (error) {
      if (!(error instanceof RaceLost) || attempt >= 3) throw error;
    }
  }
}
