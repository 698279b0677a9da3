import { createHash } from 'node:crypto';
import sharp from 'sharp';
import {
  AVATAR_SIZES,
  type AvatarProcessor,
  MAX_AVATAR_PIXELS,
  type ProcessedAvatar,
} from '../../domain/accounts/avatars.js';
import { DomainError } from '../../domain/shared/errors.js';
import { concurrencyLimit } from '../shared/concurrency-limit.js';

// Raster formats people upload as photos. SVG (scripts, external references), PDF and the like are
// refused even though sharp could render them.
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);
const ACCEPTED_NAMES = 'JPEG, PNG, WebP, GIF or AVIF';
const WEBP_QUALITY = 82;

/**
 * Decodes an upload with sharp, refusing anything over 40 megapixels before decoding pixels; turns it
 * upright (EXIF orientation), crops a centred square and writes each size as WebP without metadata.
 */
export function sharpAvatarProcessor(options: { concurrency?: number } = {}): AvatarProcessor {
  // A 40-megapixel picture takes ~160 MB decoded: a few uploads at once are fine, a burst must wait.
  const limit = concurrencyLimit(options.concurrency ?? 2);
  return {
    process: (bytes) => limit(() => processAvatar(bytes)),
  };
}

async function processAvatar(bytes: Uint8Array): Promise<ProcessedAvatar> {
  if (bytes.byteLength === 0) throw invalid('The file is empty. Choose a picture to upload.');
  const input = () => sharp(bytes, { limitInputPixels: MAX_AVATAR_PIXELS, failOn: 'error' });
  let format: string | undefined;
  let pixels = 0;
  try {
    const meta = await input().metadata();
    format = meta.format;
    pixels = (meta.width ?? 0) * (meta.height ?? 0);
  } catch (error) {
    // sharp reads the declared size from the header and refuses a bomb before decoding a pixel.
    if (/pixel limit/i.test((error as Error).message)) throw tooManyPixels();
    throw invalid(`This file is not a picture we can read. Upload a ${ACCEPTED_NAMES} image.`, error);
  }
  if (format === undefined || !ACCEPTED_FORMATS.has(format)) {
    throw invalid(
      `${(format ?? 'This').toUpperCase()} files are not accepted. Upload a ${ACCEPTED_NAMES} image.`,
    );
  }
  if (pixels > MAX_AVATAR_PIXELS) throw tooManyPixels();
  try {
    const upright = input().autoOrient();
    const variants = await Promise.all(
      AVATAR_SIZES.map(async (size) => ({
        size,
        data: new Uint8Array(
          await upright
            .clone()
            .resize(size, size, { fit: 'cover', position: 'centre' })
            .webp({ quality: WEBP_QUALITY })
            .toBuffer(),
        ),
      })),
    );
    const largest = variants[0]!.data;
    const key = createHash('sha256').update(largest).digest('hex').slice(0, 32);
    return { key, variants } satisfies ProcessedAvatar;
  } catch (error) {
    if (/pixel limit/i.test((error as Error).message)) throw tooManyPixels();
    throw invalid(
      'This picture is damaged or incomplete and cannot be read. Save it again or choose another.',
      error,
    );
  }
}

function tooManyPixels(): DomainError {
  return invalid(
    `This picture is larger than ${MAX_AVATAR_PIXELS / 1_000_000} megapixels. Scale it down and upload it again.`,
  );
}

function invalid(message: string, cause?: unknown): DomainError {
  return new DomainError('invalid_image', message, {
    ...(cause === undefined ? {} : { cause, logDetail: (cause as Error).message }),
  });
}
