import { describe, expect, it } from 'vitest';
import { defaultPreferences } from '../accounts/user.js';
import type { ChannelOverride, NotificationType } from './catalog.js';
import { type Recipient, routeEvent } from './routing.js';

const assigned: NotificationType = {
  type: 'task.assigned',
  label: 'Assigned to a task',
  description: 'Someone assigned you to a task.',
  channels: { inbox: true, email: true, digest: false },
  locked: false,
  digestible: true,
};
const security: NotificationType = {
  ...assigned,
  type: 'security.new-sign-in',
  locked: true,
  digestible: false,
};

function recipient(id: string, over: Partial<Recipient> & { override?: ChannelOverride } = {}): Recipient {
  const { override, ...rest } = over;
  return {
    id,
    username: id,
    email: `${id}@studio.example`,
    displayName: id,
    disabled: false,
    preferences: defaultPreferences,
    notifyOwnActions: false,
    overrides: new Map(override ? [[assigned.type, override]] : []),
    ...rest,
  };
}

const bool = [true, false] as const;
const maybe = [true, false, null] as const;

describe('routing one event', () => {
  // The matrix: each user override of each channel × each workspace default.
  const matrix = maybe.flatMap((inbox) =>
    maybe.flatMap((email) =>
      maybe.flatMap((digest) => bool.map((wsEmail) => ({ inbox, email, digest, wsEmail }))),
    ),
  );
  it.each(matrix)('delivers by the effective setting: %o', ({ inbox, email, digest, wsEmail }) => {
    const r = recipient('ada', { override: { inbox, email, digest } });
    const ws: ChannelOverride = { inbox: null, email: wsEmail, digest: null };
    const routing = routeEvent(assigned, [r], null, ws);
    const expected = { inbox: inbox ?? true, email: email ?? wsEmail, digest: digest ?? false };
    if (!expected.inbox && !expected.email && !expected.digest) {
      expect(routing.deliveries).toEqual([]);
      expect(routing.skipped).toEqual([{ userId: 'ada', reason: 'all-channels-off' }]);
    } else {
      expect(routing.deliveries).toHaveLength(1);
      expect(routing.deliveries[0]!.channels).toEqual(expected);
    }
  });

  it('leaves the actor out unless they asked to hear of their own actions', () => {
    const routing = routeEvent(assigned, [recipient('ada'), recipient('grace')], 'grace', undefined);
    expect(routing.deliveries.map((d) => d.recipient.id)).toEqual(['ada']);
    expect(routing.skipped).toEqual([{ userId: 'grace', reason: 'own-action' }]);
    const optedIn = routeEvent(
      assigned,
      [recipient('grace', { notifyOwnActions: true })],
      'grace',
      undefined,
    );
    expect(optedIn.deliveries).toHaveLength(1);
  });

  it('sends nothing to a disabled account', () => {
    const routing = routeEvent(assigned, [recipient('ada', { disabled: true })], null, undefined);
    expect(routing.deliveries).toEqual([]);
    expect(routing.skipped[0]!.reason).toBe('disabled');
  });

  it('delivers a locked type on its catalog channels even to someone who tried to switch it off', () => {
    const r = recipient('ada', {
      overrides: new Map([[security.type, { inbox: false, email: false, digest: true }]]),
    });
    const routing = routeEvent(security, [r], null, { inbox: false, email: false, digest: null });
    expect(routing.deliveries[0]!.channels).toEqual({ inbox: true, email: true, digest: false });
    expect(routing.deliveries[0]!.emailSource).toBe('locked');
  });

  it('says where the email setting came from, for the "why you got this" line', () => {
    expect(routeEvent(assigned, [recipient('a')], null, undefined).deliveries[0]!.emailSource).toBe(
      'catalog',
    );
    expect(
      routeEvent(assigned, [recipient('a')], null, { inbox: null, email: true, digest: null }).deliveries[0]!
        .emailSource,
    ).toBe('workspace');
    const own = recipient('a', { override: { inbox: null, email: true, digest: null } });
    expect(routeEvent(assigned, [own], null, undefined).deliveries[0]!.emailSource).toBe('user');
  });
});
