import { describe, expect, it } from 'vitest';
import { signedInLocal } from '../support/accounts.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/http-checks.js';
import { testApp } from '../support/test-app.js';

type Admin = Awaited<ReturnType<typeof signedInLocal>>;
type Patch = { role: 'user' } | { disabled: true };

const demote: Patch = { role: 'user' };
const disable: Patch = { disabled: true };

// Each round starts from exactly two active administrators (the survivor of the round before and a new
// one) and sends both PATCH requests at once: whichever commits first wins, the other must see it.
// `crossed`: each acts on the other, so the loser may lose its role (403) or its session (401) before its
// own request is even authorised; that refusal is right too, and the rule then is never reached.
const scenarios: [string, boolean, (a: Admin, b: Admin) => [Admin, Admin, Patch][]][] = [
  [
    'both demote themselves',
    false,
    (a, b) => [
      [a, a, demote],
      [b, b, demote],
    ],
  ],
  [
    'both disable themselves',
    false,
    (a, b) => [
      [a, a, disable],
      [b, b, disable],
    ],
  ],
  [
    'one demotes itself, the other disables itself',
    false,
    (a, b) => [
      [a, a, demote],
      [b, b, disable],
    ],
  ],
  [
    'each demotes the other',
    true,
    (a, b) => [
      [a, b, demote],
      [b, a, demote],
    ],
  ],
  [
    'each disables the other',
    true,
    (a, b) => [
      [a, b, disable],
      [b, a, disable],
    ],
  ],
  [
    'one demotes the other, who disables the first',
    true,
    (a, b) => [
      [a, b, demote],
      [b, a, disable],
    ],
  ],
];
const ROUNDS = 4;

describe.each(engines)('the last active administrator under concurrent PATCH requests (%s)', (engine) => {
  it.each(scenarios)('%s: one request wins, the other is refused', async (_name, crossed, pairs) => {
    const app = await testApp({ engine });
    const activeAdmins = async () =>
      (
        await app.db.kysely
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .execute()
      ).map((r) => r.id);
    let survivor = await signedInLocal(app, { role: 'admin' });
    for (let round = 0; round < ROUNDS; round++) {
      const newcomer = await signedInLocal(app, { role: 'admin' });
      expect((await activeAdmins()).sort()).toEqual([survivor.user.id, newcomer.user.id].sort());
      const requests = pairs(survivor, newcomer);
      const answers = await Promise.all(
        requests.map(([actor, target, patch]) =>
          app.request('PATCH', `/api/v1/admin/users/${target.user.id}`, patch, actor.headers),
        ),
      );
      const [won, lost, ...others] = [...answers].sort((x, y) => x.status - y.status);
      expect(others).toEqual([]);
      expect(won?.status, JSON.stringify(answers.map((a) => a.json))).toBe(200);
      if (crossed && lost?.status !== 409) {
        expect([lost?.json.code, lost?.status]).toBeOneOf([
          ['forbidden', 403],
          ['unauthenticated', 401],
        ]);
      } else {
        expectProblem(lost!, 409, 'last_admin');
        expect(lost?.json.detail).toContain('Make someone else an administrator first');
      }
      const remaining = await activeAdmins();
      expect(remaining).toHaveLength(1);
      survivor = remaining[0] === survivor.user.id ? survivor : newcomer;
      expect((await app.request('GET', '/api/v1/me', undefined, survivor.headers)).json.role).toBe('admin');
    }
  });
});
