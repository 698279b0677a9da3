import { describe, expect, it } from 'vitest';
import {
  type AssemblyOptions,
  assembleDigest,
  digestSummary,
  type PendingDigestItem,
} from './digest-assembly.js';

const options: AssemblyOptions = {
  limit: 50,
  typeLabel: (type) => ({ 'task.assigned': 'Assigned to a task', 'note.reply': 'Reply' })[type] ?? type,
  formatTime: (ms) => `t${ms}`,
};

let seq = 0;
function item(overrides: Partial<PendingDigestItem> = {}): PendingDigestItem {
  seq += 1;
  return {
    id: `i${String(seq).padStart(4, '0')}`,
    type: 'task.assigned',
    project: 'Atlas',
    title: `Item ${seq}`,
    url: `https://host.example/items/${seq}`,
    occurredAt: 1_000 + seq,
    read: false,
    ...overrides,
  };
}

describe('assembleDigest', () => {
  it('groups by project, then type, with counts', () => {
    const items = [
      item({ project: 'Zephyr' }),
      item({ project: 'Atlas', type: 'note.reply' }),
      item({ project: 'Atlas' }),
      item({ project: 'Atlas' }),
    ];
    const digest = assembleDigest(items, options);
    expect(digest.total).toBe(4);
    expect(digest.more).toBe(0);
    expect(digest.projects.map((p) => [p.name, p.count])).toEqual([
      ['Atlas', 3],
      ['Zephyr', 1],
    ]);
    const atlas = digest.projects[0]!;
    expect(atlas.types.map((t) => [t.label, t.count])).toEqual([
      ['Assigned to a task', 2],
      ['Reply', 1],
    ]);
  });

  it('lists items newest first within a group, each with its time in the user’s style and its link', () => {
    const older = item({ occurredAt: 10 });
    const newer = item({ occurredAt: 20 });
    const [group] = assembleDigest([older, newer], options).projects[0]!.types;
    expect(group!.items.map((i) => i.id)).toEqual([newer.id, older.id]);
    expect(group!.items[0]).toMatchObject({ when: 't20', url: newer.url, title: newer.title });
  });

  it('puts items without a project last', () => {
    const digest = assembleDigest([item({ project: null }), item({ project: 'Beta' })], options);
    expect(digest.projects.map((p) => p.name)).toEqual(['Beta', null]);
  });

  it('drops items already read in the inbox', () => {
    const digest = assembleDigest([item({ read: true }), item()], options);
    expect(digest.total).toBe(1);
    expect(digest.projects[0]!.types[0]!.items).toHaveLength(1);
  });

  it('is empty when everything was read', () => {
    const digest = assembleDigest([item({ read: true })], options);
    expect(digest).toEqual({ total: 0, shown: 0, more: 0, projects: [] });
  });

  it('keeps the newest items past the limit and counts the rest as more, overall and per group', () => {
    const old = [item({ type: 'note.reply', occurredAt: 1 }), item({ type: 'note.reply', occurredAt: 2 })];
    const recent = [item({ occurredAt: 100 }), item({ occurredAt: 101 }), item({ occurredAt: 102 })];
    const digest = assembleDigest([...old, ...recent], { ...options, limit: 4 });
    expect(digest).toMatchObject({ total: 5, shown: 4, more: 1 });
    const replies = digest.projects[0]!.types.find((t) => t.type === 'note.reply')!;
    expect(replies).toMatchObject({ count: 2, more: 1 });
    expect(replies.items.map((i) => i.occurredAt)).toEqual([2]);
  });

  it('falls back to the type id for a type the catalog no longer knows', () => {
    const digest = assembleDigest([item({ type: 'legacy.type' })], options);
    expect(digest.projects[0]!.types[0]!.label).toBe('legacy.type');
  });
});

describe('digestSummary', () => {
  it.each([
    [[item()], '1 update in 1 project'],
    [[item(), item({ project: 'B' }), item({ project: null })], '3 updates in 2 projects'],
    [[item({ project: null })], '1 update'],
  ])('summarises %# as "%s"', (items, expected) => {
    expect(digestSummary(assembleDigest(items, options))).toBe(expected);
  });
});
