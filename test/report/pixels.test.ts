import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { DicomFile } from '../../src/mercure/dicom.js';
import {
  drawSlice,
  linearWindow,
  type SliceImage,
  type SliceUnavailable,
} from '../../src/pipeline/validation/pixels.js';
import { escapeHtml } from '../../src/report/html/escape.js';

/** A 2x2 native 16-bit slice with the given stored values and extra attributes. */
function slice(values: number[], extra: Record<string, unknown> = {}, syntax = '1.2.840.10008.1.2.1'): DicomFile {
  const pixels = new Int16Array(values);
  return {
    meta: {},
    transferSyntaxUid: syntax,
    dataset: {
      Rows: 2,
      Columns: 2,
      BitsAllocated: 16,
      BitsStored: 16,
      SamplesPerPixel: 1,
      PixelRepresentation: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      PixelData: [pixels.buffer],
      ...extra,
    },
  };
}

/** The grey levels of a drawn slice, read back from its PNG. */
function greys(drawn: ReturnType<typeof drawSlice>): number[] {
  expect(drawn).toHaveProperty('dataUri');
  const uri = (drawn as SliceImage).dataUri;
  expect(uri.startsWith('data:image/png;base64,')).toBe(true);
  const png = pngjs.PNG.sync.read(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));
  return Array.from({ length: png.width * png.height }, (_, i) => png.data[i * 4] ?? -1);
}

describe('drawing a slice', () => {
  it("uses the slice's own Window Center/Width, after the rescale", () => {
    // Stored 1024 + intercept -1024 = 0 HU, the window's centre; -160/240 HU are its edges.
    const drawn = drawSlice(
      slice([864, 1024, 1264, 3000], { RescaleIntercept: -1024, WindowCenter: 40, WindowWidth: 400 }),
    );
    expect(drawn).toMatchObject({
      width: 2,
      height: 2,
      window: { center: 40, width: 400, from: 'Window Center/Width' },
    });
    expect(greys(drawn)).toEqual([0, linearWindow(0, 40, 400), 255, 255]);
    expect(linearWindow(0, 40, 400)).toBe(102);
  });

  it('without a window, spans the value range; MONOCHROME1 is inverted', () => {
    expect(greys(drawSlice(slice([0, 100, 200, 300])))).toEqual([0, 85, 170, 255]);
    expect(greys(drawSlice(slice([0, 100, 200, 300], { PhotometricInterpretation: 'MONOCHROME1' })))).toEqual([
      255, 170, 85, 0,
    ]);
  });

  it('says why instead of drawing compressed pixel data', () => {
    expect(drawSlice(slice([0, 0, 0, 0], {}, '1.2.840.10008.1.2.4.50'))).toEqual({
      unavailable: 'pixel data in JPEG Baseline (1.2.840.10008.1.2.4.50): only uncompressed pixel data is drawn here',
    });
  });

  it('says why for pixel data shorter than its frame', () => {
    const short = slice([0, 0], {});
    expect((drawSlice(short) as SliceUnavailable).unavailable).toContain('shorter than 1 frame(s) of 2 × 2');
  });
});

describe('escapeHtml', () => {
  it('shows markup and hidden characters as text', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
    expect(escapeHtml('red \u001b[31m nul \u0000 rtl \u202e sep \u2028 tab\tline\n')).toBe(
      'red \\u001b[31m nul \\u0000 rtl \\u202e sep \\u2028 tab\tline\n',
    );
  });
});
