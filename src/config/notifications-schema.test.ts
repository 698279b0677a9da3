import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './load.js';

describe('the notifications configuration', () => {
  it('in config/default.yaml is the same catalog the schema defaults to', () => {
    expect(loadConfig({}).notifications).toEqual(parseConfig({}).notifications);
  });

  it('holds the documented studio types, security types locked and kept out of the digest', () => {
    const types = parseConfig({}).notifications.types;
    expect(types.map((t) => t.type)).toEqual(
      expect.arrayContaining([
        'task.assigned',
        'task.unassigned',
        'comment.followed',
        'mention',
        'status.changed',
        'version.published',
        'review.ready',
        'due.approaching',
      ]),
    );
    const security = types.filter((t) => t.type.startsWith('security.'));
    expect(security.length).toBeGreaterThan(0);
    expect(security.every((t) => t.locked && !t.digestible && t.channels.email)).toBe(true);
  });

  it.each([
    [{ types: [] }, 'notifications.types'],
    [
      {
        types: [
          { type: 'a', label: 'A', description: 'a' },
          { type: 'a', label: 'A', description: 'a' },
        ],
      },
      'notifications.types',
    ],
    [{ types: [{ type: 'Bad Type', label: 'A', description: 'a' }] }, 'notifications.types.0.type'],
    [
      { types: [{ type: 'a', label: 'A', description: 'a', digestible: false, channels: { digest: true } }] },
      'notifications.types',
    ],
    [{ digest: { time: '25:00' } }, 'notifications.digest.time'],
  ])('refuses %j naming %s', (notifications, key) => {
    expect(() => parseConfig({ notifications })).toThrow(key);
  });
});
