import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../app-env.js';
import { refusedBodyHeaders } from '../../middleware/body-limit.js';
import { problem } from '../../problem.js';

/**
 * Admits a multipart upload of at most `maxBytes` without ever holding more than that: a declared
 * Content-Length over the limit is refused before a byte is read, and the stream is counted while it
 * is read (chunked uploads, or a length that lies) and abandoned at the first byte too many. The
 * counted body replaces the request's, so the form validator after this reads it from memory.
 */
export function uploadLimit(options: {
  maxBytes: number;
  fileLimitText: string;
  /** Parts a form may have: parsing 150,000 one-byte parts (8 MiB) held the event loop for a second. */
  maxParts: number;
}): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) =>
    problem(c, {
      status: 413,
      code: 'image_too_large',
      detail: `The picture is larger than ${options.fileLimitText}. Choose a smaller one.`,
      headers: refusedBodyHeaders,
    });
  return async function uploadLimit(c, next) {
    const type = c.req.header('content-type') ?? '';
    if (!/^multipart\/form-data\s*;\s*boundary=/i.test(type)) {
      return problem(c, {
        status: 415,
        code: 'unsupported_media_type',
        detail: 'Send the picture as multipart/form-data with the image in the field "file".',
      });
    }
    const declared = Number(c.req.header('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > options.maxBytes) return tooLarge(c);
    const body = c.req.raw.body;
    if (!body) return next();
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge(c);
      }
      chunks.push(value);
    }
    const whole = Buffer.concat(chunks);
    if (tooManyParts(whole, type, options.maxParts)) {
      return problem(c, {
        status: 400,
        code: 'too_many_parts',
        detail: `The upload has more than ${options.maxParts} parts. Send only the picture, in the field "file".`,
      });
    }
    c.req.raw = new Request(c.req.raw, { body: whole });
    return next();
  };
}

/** True when the body holds more than `max` parts: counts the delimiters, stopping at the first too many. */
function tooManyParts(body: Buffer, contentType: string, max: number): boolean {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return false;
  const delimiter = Buffer.from(`--${boundary}`);
  let found = 0;
  // The closing delimiter counts too: max parts have max + 1 delimiters.
  for (let at = body.indexOf(delimiter); at !== -1; at = body.indexOf(delimiter, at + delimiter.length)) {
    if (++found > max + 1) return true;
  }
  return false;
}
