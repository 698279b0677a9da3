import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpeg, png, pngBomb, svg } from '../support/images.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp, testOrigin } from '../support/test-app.js';

type App = Awaited<ReturnType<typeof testApp>>;
const MiB = 1024 * 1024;

function form(bytes: Uint8Array, type = 'image/png', field = 'file'): FormData {
  const body = new FormData();
  body.append(field, new File([bytes as Uint8Array<ArrayBuffer>], 'picture', { type }));
  return body;
}

async function put(app: App, body: BodyInit, headers: Record<string, string>) {
  const res = await app.app.request(`${testOrigin}/api/v1/me/avatar`, {
    method: 'PUT',
    body,
    headers: { origin: testOrigin, ...headers },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const files = (app: App) => {
  try {
    return readdirSync(join(app.dataDir, 'avatars')).sort();
  } catch {
    return [];
  }
};
const keyOf = async (app: App, userId: string) =>
  (
    await app.db.kysely
      .selectFrom('users')
      .select('avatar_key')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
  ).avatar_key;

describe('PUT /api/v1/me/avatar', () => {
  it('stores a 256 px and a 64 px WebP under content-hash names and answers the picture’s URL', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const res = await put(app, form(await jpeg(1200, 800), 'image/jpeg'), { cookie });
    expect(res.status).toBe(200);
    const key = await keyOf(app, user.id);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(res.json).toEqual({ avatarUrl: `/avatars/${key}-256.webp` });
    expect(files(app)).toEqual([`${key}-256.webp`, `${key}-64.webp`]);
    for (const size of [256, 64]) {
      const file = await app.app.request(`${testOrigin}/avatars/${key}-${size}.webp`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/webp');
      expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // The host platform shows pictures on its own pages, another origin.
      expect(file.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', size, size]);
    }
  });

  it('accepts a picture larger than the app-wide 1 MiB body limit', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 60 };
    const big = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#000', noise } })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(2 * MiB);
    expect((await put(app, form(big), { cookie })).status).toBe(200);
    expect(await keyOf(app, user.id)).not.toBeNull();
  });

  it('accepts an API key, and replacing the picture removes the old files', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const created = await app.request('POST', '/api/v1/me/api-keys', { name: 'avatar sync' }, { cookie });
    await put(app, form(await png()), { authorization: `Bearer ${created.json.key}` });
    const first = await keyOf(app, user.id);
    const res = await put(app, form(await png(300, 300, { r: 0, g: 0, b: 0 })), {
      authorization: `Bearer ${created.json.key}`,
    });
    expect(res.status).toBe(200);
    const second = await keyOf(app, user.id);
    expect(second).not.toBe(first);
    expect(files(app)).toEqual([`${second}-256.webp`, `${second}-64.webp`]);
  });

  it('keeps the files another user still shows when the same picture is replaced', async () => {
    const app = await testApp();
    const ada = await signedInUser(app);
    const bob = await signedInUser(app);
    const same = await png(200, 200, { r: 9, g: 9, b: 9 });
    await put(app, form(same), { cookie: ada.cookie });
    await put(app, form(same), { cookie: bob.cookie });
    const shared = await keyOf(app, bob.user.id);
    await put(app, form(await png()), { cookie: ada.cookie });
    expect((await app.app.request(`${testOrigin}/avatars/${shared}-256.webp`)).status).toBe(200);
  });

  describe('refuses bad input with a 4xx problem, stores nothing and keeps the old picture', () => {
    const cases: [string, number, () => Promise<{ body: BodyInit; headers?: Record<string, string> }>][] = [
      [
        'a text file declared as PNG',
        400,
        async () => ({ body: form(Buffer.from('hello, not a picture\n'.repeat(50))) }),
      ],
      [
        'a truncated JPEG',
        400,
        async () => ({ body: form((await jpeg(900, 900)).subarray(0, 3000), 'image/jpeg') }),
      ],
      ['an SVG declared as SVG', 415, async () => ({ body: form(svg, 'image/svg+xml') })],
      ['an SVG declared as PNG', 400, async () => ({ body: form(svg) })],
      ['zero bytes', 400, async () => ({ body: form(new Uint8Array()) })],
      ['a decompression bomb (100000×100000 PNG)', 400, async () => ({ body: form(pngBomb()) })],
      ['a PDF content type', 415, async () => ({ body: form(await png(), 'application/pdf') })],
      [
        'an image sent as JSON',
        415,
        async () => ({
          body: JSON.stringify({ file: 'aGVsbG8=' }),
          headers: { 'content-type': 'application/json' },
        }),
      ],
      [
        'an image sent raw',
        415,
        async () => ({ body: new Uint8Array(await png()), headers: { 'content-type': 'image/png' } }),
      ],
      [
        'a form without the file field',
        400,
        async () => ({ body: form(await png(), 'image/png', 'picture') }),
      ],
      [
        'the file field as text',
        400,
        async () => {
          const body = new FormData();
          body.append('file', 'not a file');
          return { body };
        },
      ],
      [
        'a broken multipart body',
        400,
        async () => ({
          body: '--xyz\r\nnonsense',
          headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
        }),
      ],
      ['a file of 10 MiB and one byte', 413, async () => ({ body: form(new Uint8Array(10 * MiB + 1)) })],
      [
        '50 MB announced by Content-Length',
        413,
        async () => {
          const body = form(new Uint8Array(50_000_000));
          return { body, headers: { 'content-length': String(50_000_200) } };
        },
      ],
    ];
    it.each(cases)('%s → %i', async (_, status, make) => {
      const app = await testApp();
      const { user, cookie } = await signedInUser(app);
      await put(app, form(await png()), { cookie });
      const before = { key: await keyOf(app, user.id), files: files(app) };
      const { body, headers } = await make();
      const res = await put(app, body, { cookie, ...headers });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.json.detail).toBeTruthy();
      expect({ key: await keyOf(app, user.id), files: files(app) }).toEqual(before);
    });
  });

  it('refuses a form of thousands of parts before parsing it, and accepts the picture among a few', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const picture = await png(64, 64);
    const many = new FormData();
    for (let i = 0; i < 5_000; i++) many.append(`p${i}`, 'x');
    many.append('file', new File([picture as Uint8Array<ArrayBuffer>], 'me.png', { type: 'image/png' }));
    const refused = await put(app, many, { cookie });
    expect([refused.status, refused.json.code]).toEqual([400, 'too_many_parts']);
    expect(await keyOf(app, user.id)).toBeNull();
    const few = form(picture);
    for (let i = 0; i < 9; i++) few.append(`p${i}`, 'x');
    expect((await put(app, few, { cookie })).status).toBe(200);
  });

  it('stops reading a 50 MB upload without Content-Length soon after the limit', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    let sent = 0;
    const chunk = new Uint8Array(256 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50_000_000) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await put(app, body, { cookie, 'content-type': 'multipart/form-data; boundary=xyz' });
    expect([res.status, res.json.code]).toEqual([413, 'image_too_large']);
    expect(sent).toBeLessThan(12 * MiB);
    expect(files(app)).toEqual([]);
  });

  it('answers 401 without a signed-in user', async () => {
    const app = await testApp();
    expect((await put(app, form(await png()), {})).status).toBe(401);
    expect(files(app)).toEqual([]);
  });
});

describe('DELETE /api/v1/me/avatar', () => {
  it('removes the picture and its files; removing again is fine', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    await put(app, form(await png()), { cookie });
    const key = await keyOf(app, user.id);
    expect((await app.request('DELETE', '/api/v1/me/avatar', undefined, { cookie })).status).toBe(204);
    expect(await keyOf(app, user.id)).toBeNull();
    expect(files(app)).toEqual([]);
    expect((await app.app.request(`${testOrigin}/avatars/${key}-256.webp`)).status).toBe(404);
    expect((await app.request('DELETE', '/api/v1/me/avatar', undefined, { cookie })).status).toBe(204);
  });

  it('answers 401 without a signed-in user', async () => {
    const app = await testApp();
    expect((await app.request('DELETE', '/api/v1/me/avatar')).status).toBe(401);
  });
});

describe('DELETE /api/v1/admin/users/{id}/avatar', () => {
  it('lets an administrator remove anyone’s picture', async () => {
    const app = await testApp();
    const admin = await signedInUser(app, { role: 'admin' });
    const ada = await signedInUser(app);
    await put(app, form(await png()), { cookie: ada.cookie });
    const res = await app.request('DELETE', `/api/v1/admin/users/${ada.user.id}/avatar`, undefined, {
      cookie: admin.cookie,
    });
    expect(res.status).toBe(204);
    expect(await keyOf(app, ada.user.id)).toBeNull();
    expect(files(app)).toEqual([]);
  });

  it('refuses a non-administrator with 403 and leaves the picture', async () => {
    const app = await testApp();
    const ada = await signedInUser(app);
    const bob = await signedInUser(app);
    await put(app, form(await png()), { cookie: ada.cookie });
    const res = await app.request('DELETE', `/api/v1/admin/users/${ada.user.id}/avatar`, undefined, {
      cookie: bob.cookie,
    });
    expect(res.status).toBe(403);
    expect(await keyOf(app, ada.user.id)).not.toBeNull();
  });

  it('answers 404 for an unknown user and 401 without a session', async () => {
    const app = await testApp();
    const admin = await signedInUser(app, { role: 'admin' });
    const unknown = await app.request('DELETE', '/api/v1/admin/users/no-such-user/avatar', undefined, {
      cookie: admin.cookie,
    });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'not_found']);
    expect((await app.request('DELETE', `/api/v1/admin/users/${admin.user.id}/avatar`)).status).toBe(401);
  });
});

describe('GET /avatars/{file}', () => {
  it.each([
    '..%2Fconcierge.db',
    '..%2F..%2Fetc%2Fpasswd',
    `${'a'.repeat(32)}-256.webp%00.png`,
    `${'A'.repeat(32)}-256.webp`,
    `${'a'.repeat(32)}-128.webp`,
    `${'a'.repeat(31)}-256.webp`,
    `${'a'.repeat(32)}-256.webp.tmp`,
    'concierge.db',
  ])('answers 404 problem+json for %s', async (name) => {
    const app = await testApp();
    const res = await app.app.request(`${testOrigin}/avatars/${name}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('the avatar section of the account page', () => {
  it('shows the thumbnail, the drop and browse hint, and loads its script', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    await put(app, form(await png()), { cookie });
    const page = await app.request('GET', '/account', undefined, { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="avatar-drop"');
    expect(page.text).toMatch(/src="\/avatars\/[0-9a-f]{32}-256\.webp"/);
    expect(page.text).toContain('/assets/avatar.js');
    expect((await app.request('GET', '/assets/avatar.js')).text).toContain("addEventListener('drop'");
  });
});
