import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { avatarPath, MAX_AVATAR_BYTES, parseAvatarFileName } from '../../../domain/accounts/avatars.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { anyone, signedIn } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { problem, problemResponses } from '../../problem.js';
import { plainText } from '../me/me-schemas.js';
import { uploadLimit } from './upload-limit.js';

/** What the avatar routes need, wired in src/compose. */
export interface AvatarService {
  /** Replaces the user's picture; returns its key. */
  set(userId: string, bytes: Uint8Array): Promise<string>;
  remove(userId: string): Promise<void>;
  /** One picture file by name, or null. */
  read(fileName: string): Promise<Uint8Array | null>;
}

/** The path the global body limit skips: this route counts its own, larger limit (upload-limit.ts). */
export const AVATAR_UPLOAD_PATH = '/api/v1/me/avatar';
// Room for the multipart boundaries and part headers around a file of the maximum size.
const MULTIPART_OVERHEAD = 64 * 1024;
// Types a browser or client may declare for a picture; the bytes are checked by decoding them anyway.
const DECLARED_TYPES = /^(image\/(jpeg|pjpeg|png|webp|gif|avif|heic|heif)|application\/octet-stream|)$/i;

const avatarUrlSchema = z.object({ avatarUrl: z.string() }).meta({ id: 'Avatar' });
const uploadBody = z.object({
  // The generator does not know z.file(): describe it as OpenAPI's binary string.
  file: z.file().openapi({
    type: 'string',
    format: 'binary',
    description: 'A JPEG, PNG, WebP, GIF or AVIF picture of at most 10 MiB',
  }),
});

const owner = signedIn({ credentials: ['session', 'apiKey'] });

const putRoute = createRoute({
  method: 'put',
  path: AVATAR_UPLOAD_PATH,
  operationId: 'uploadAvatar',
  tags: ['me'],
  summary: 'Upload a profile picture (cropped to a centred square, stored as 256 px and 64 px WebP)',
  security: owner.security,
  middleware: [
    ...owner.middleware,
    uploadLimit({ maxBytes: MAX_AVATAR_BYTES + MULTIPART_OVERHEAD, fileLimitText: '10 MiB', maxParts: 10 }),
  ] as const,
  request: { body: { required: true, content: { 'multipart/form-data': { schema: uploadBody } } } },
  responses: {
    200: { description: 'The new picture', content: { 'application/json': { schema: avatarUrlSchema } } },
    ...problemResponses(400, 401, 403, 413, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: AVATAR_UPLOAD_PATH,
  tags: ['me'],
  operationId: 'removeAvatar',
  summary: 'Remove your profile picture',
  ...owner,
  responses: { 204: { description: 'Removed (or there was none)' }, ...problemResponses(401, 403) },
});

const adminDeleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/admin/users/{id}/avatar',
  tags: ['admin'],
  operationId: 'adminRemoveAvatar',
  summary: "Remove a user's profile picture",
  ...signedIn({ credentials: ['session'], role: 'admin' }),
  request: { params: z.object({ id: plainText(100, 1) }) },
  responses: { 204: { description: 'Removed (or there was none)' }, ...problemResponses(401, 403, 404) },
});

/** PUT/DELETE /api/v1/me/avatar, the administrators' removal, and GET /avatars/{file}. */
export function avatarRoutes(deps: { avatars: AvatarService }) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(putRoute, async (c) => {
    const { file } = c.req.valid('form');
    if (!DECLARED_TYPES.test(file.type)) {
      throw new DomainError(
        'unsupported_media_type',
        `A file of type ${file.type.slice(0, 100)} is not a picture we accept. Upload a JPEG, PNG, WebP, GIF or AVIF image.`,
      );
    }
    const key = await deps.avatars.set(c.var.auth!.user.id, new Uint8Array(await file.arrayBuffer()));
    // A path on this origin, as GET /api/v1/me gives it.
    return c.json({ avatarUrl: avatarPath(key)! }, 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deps.avatars.remove(c.var.auth!.user.id);
    return c.body(null, 204);
  });
  app.openapi(adminDeleteRoute, async (c) => {
    await deps.avatars.remove(c.req.valid('param').id);
    return c.body(null, 204);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/avatars/{file}',
    operationId: 'getAvatarFile',
    tags: ['me'],
    ...anyone(),
    summary: 'A profile picture (public; the name is a content hash, so it is cached for a year)',
    request: {
      params: z.object({
        file: z.string().meta({ description: 'As in avatarUrl: `<32 hex>-256.webp` or `<32 hex>-64.webp`' }),
      }),
    },
    responses: {
      200: { description: 'The WebP picture', content: { 'image/webp': { schema: z.string() } } },
      ...problemResponses(404),
    },
  });
  const files = new Hono<AppEnv>();
  files.get('/avatars/:file', async (c) => {
    const name = c.req.param('file');
    const data = parseAvatarFileName(name) === null ? null : await deps.avatars.read(name);
    if (data === null) {
      return problem(c, { status: 404, code: 'not_found', detail: 'There is no such picture.' });
    }
    // Names are content hashes: a file never changes, so it may be cached for a year without revalidation.
    return c.body(data as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'image/webp',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-length': String(data.byteLength),
    });
  });
  app.route('/', files);
  return app;
}
