import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpeg, png, pngBomb, svg } from '../../../test/support/images.js';
import { DomainError } from '../../domain/shared/errors.js';
import { sharpAvatarProcessor } from './sharp-processor.js';

const processor = sharpAvatarProcessor();

async function refusal(bytes: Uint8Array): Promise<DomainError> {
  const error = await processor.process(bytes).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('invalid_image');
  return error as DomainError;
}

describe('the sharp avatar processor', () => {
  it('writes a 256 px and a 64 px square WebP from a landscape JPEG', async () => {
    const result = await processor.process(await jpeg(800, 600));
    expect(result.key).toMatch(/^[0-9a-f]{32}$/);
    expect(result.variants.map((v) => v.size)).toEqual([256, 64]);
    for (const variant of result.variants) {
      const meta = await sharp(variant.data).metadata();
      expect(meta.format).toBe('webp');
      expect([meta.width, meta.height]).toEqual([variant.size, variant.size]);
    }
  });

  it('accepts exactly 40 megapixels and refuses one row more, from the header', async () => {
    const limit = await processor.process(await png(8000, 5000));
    expect(limit.variants.map((v) => v.size)).toEqual([256, 64]);
    const over = await refusal(await png(8000, 5001));
    expect(over.message).toBe(
      'This picture is larger than 40 megapixels. Scale it down and upload it again.',
    );
  });

  it('gives the same picture the same key and another picture another key', async () => {
    const a = await processor.process(await png(300, 300));
    const b = await processor.process(await png(300, 300));
    const c = await processor.process(await png(300, 300, { r: 1, g: 2, b: 3 }));
    expect(a.key).toBe(b.key);
    expect(c.key).not.toBe(a.key);
  });

  it('turns a picture upright from its EXIF orientation before cropping the centred square', async () => {
    // 400×200: red left half, blue right half, tagged "rotate 90° clockwise to display".
    const halves = await sharp({
      create: { width: 400, height: 200, channels: 3, background: { r: 255, g: 0, b: 0 } },
    })
      .composite([
        {
          input: { create: { width: 200, height: 200, channels: 3, background: { r: 0, g: 0, b: 255 } } },
          left: 200,
          top: 0,
        },
      ])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const result = await processor.process(halves);
    const { data, info } = await sharp(result.variants[0]!.data).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    };
    // Upright, red is on top and blue below; unrotated, they would sit side by side.
    expect(pixel(128, 20)[0]).toBeGreaterThan(200);
    expect(pixel(128, 235)[2]).toBeGreaterThan(200);
  });

  it('strips EXIF and other metadata', async () => {
    const tagged = await sharp(await jpeg(300, 300))
      .withExif({ IFD0: { Copyright: 'secret studio', Artist: 'someone' } })
      .jpeg()
      .toBuffer();
    expect((await sharp(tagged).metadata()).exif).toBeDefined();
    const result = await processor.process(tagged);
    const meta = await sharp(result.variants[0]!.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(Buffer.from(result.variants[0]!.data).includes('secret studio')).toBe(false);
  });

  it('finishes a burst of uploads queued one at a time, and a refusal does not block the queue', async () => {
    const serial = sharpAvatarProcessor({ concurrency: 1 });
    const inputs = [
      await png(100, 100),
      Buffer.from('nope'),
      await jpeg(120, 90),
      await png(80, 80, { r: 5, g: 5, b: 5 }),
    ];
    const results = await Promise.allSettled(inputs.map((bytes) => serial.process(bytes)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  });

  it('refuses zero bytes', async () => {
    expect((await refusal(new Uint8Array())).message).toMatch(/empty/);
  });

  it('refuses a text file', async () => {
    await refusal(Buffer.from('this is not a picture at all, just some words\n'.repeat(20)));
  });

  it('refuses an SVG even though it describes a picture', async () => {
    expect((await refusal(svg)).message).toMatch(/SVG files are not accepted/);
  });

  it('refuses a truncated JPEG and a truncated PNG', async () => {
    const j = await jpeg(600, 600);
    await refusal(j.subarray(0, Math.floor(j.length / 2)));
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 };
    const p = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#000', noise } })
      .png()
      .toBuffer();
    await refusal(p.subarray(0, Math.floor(p.length / 2)));
  });

  it('refuses a decompression bomb from its header: a small PNG declaring 100000×100000 pixels', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(2000);
    expect((await refusal(bomb)).message).toMatch(/40 megapixels/);
  });
});
