import type { Clock } from '../shared/clock.js';
import type { Catalog } from './catalog.js';
import { formatWhen } from './date-format.js';
import { assembleDigest, type DigestContent, digestSummary } from './digest-assembly.js';
import { type DigestFrequency, intentKey, scheduleNext } from './digest-schedule.js';
import type { DigestRunStore, DigestScheduling } from './run-digests.js';

export interface DigestPreviewDeps {
  readonly reader: Pick<DigestRunStore, 'recipient' | 'pendingItems'>;
  readonly scheduling: Pick<DigestScheduling, 'storedSchedule'>;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly limit: number;
}

export interface DigestPreview {
  readonly frequency: DigestFrequency;
  /** When the next digest goes out; null when digests are off. */
  readonly nextDigestAt: Date | null;
  /** The subject line's summary, e.g. "3 updates in 2 projects". */
  readonly summary: string;
  readonly content: DigestContent;
}

/**
 * When the user's next digest goes out: the stored schedule while it matches their current intent,
 * else computed now (the job stores it within a minute). Null for an unknown user.
 */
export async function nextDigestFor(
  deps: Pick<DigestPreviewDeps, 'reader' | 'scheduling' | 'clock'>,
  userId: string,
): Promise<Date | null | undefined> {
  const recipient = await deps.reader.recipient(userId);
  if (!recipient) return undefined;
  if (recipient.intent.frequency === 'off') return null;
  const stored = await deps.scheduling.storedSchedule(userId);
  if (stored && stored.intent === intentKey(recipient.intent)) return stored.nextRunAt;
  return scheduleNext(recipient.intent, deps.clock(), recipient.lastPeriod);
}

/** What the user's next digest would hold if it were sent now; null for an unknown user. */
export async function previewDigest(deps: DigestPreviewDeps, userId: string): Promise<DigestPreview | null> {
  const recipient = await deps.reader.recipient(userId);
  if (!recipient) return null;
  const now = deps.clock();
  const items = await deps.reader.pendingItems(userId, now);
  const content = assembleDigest(items, {
    limit: deps.limit,
    typeLabel: (type) => deps.catalog.get(type)?.label ?? type,
    formatTime: (ms) => formatWhen(new Date(ms), now, recipient.preferences),
  });
  return {
    frequency: recipient.intent.frequency,
    nextDigestAt: (await nextDigestFor(deps, userId)) ?? null,
    summary: digestSummary(content),
    content,
  };
}
