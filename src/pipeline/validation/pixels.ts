/**
 * One DICOM frame as a small PNG for the report: native (uncompressed) pixel data read with
 * dcmjs, rescaled to modality values, windowed by the slice's own Window Center/Width (else its
 * value range) as PS3.3 C.11.2.1.2 defines the linear window, and encoded with pngjs.
 */
import pngjs from 'pngjs';
import type { DicomFile } from '../../mercure/dicom.js';

/** A drawn slice: a data: URI and how it was windowed. */
export interface SliceImage {
  width: number;
  height: number;
  /** The frame's size in the file (the PNG may be scaled down). */
  rows: number;
  columns: number;
  dataUri: string;
  /** The window used; undefined for colour images. */
  window?: { center: number; width: number; from: 'Window Center/Width' | 'value range' };
}

/** Why a slice could not be drawn, in words for the page. */
export interface SliceUnavailable {
  unavailable: string;
}

/** Native transfer syntaxes, the only ones decoded here. */
const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);
const SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K Lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};
/** Previews stay small: the longer side is sampled down to this many pixels. */
const MAX_SIDE = 384;
const MAX_PIXELS = 8192 * 8192;

const number = (value: unknown): number | undefined => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  const n = typeof first === 'number' ? first : typeof first === 'string' ? Number.parseFloat(first) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const text = (value: unknown): string => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
};

/** The middle frame of a parsed file as a windowed PNG, or why it cannot be shown. */
export function drawSlice(file: DicomFile): SliceImage | SliceUnavailable {
  const d = file.dataset;
  if (!NATIVE.has(file.transferSyntaxUid)) {
    const name = SYNTAX_NAMES[file.transferSyntaxUid] ?? 'a transfer syntax';
    return {
      unavailable: `pixel data in ${name} (${file.transferSyntaxUid || 'none given'}): only uncompressed pixel data is drawn here`,
    };
  }
  const rows = number(d.Rows) ?? 0;
  const columns = number(d.Columns) ?? 0;
  const bits = number(d.BitsAllocated) ?? 0;
  const samples = number(d.SamplesPerPixel) ?? 1;
  const photometric = text(d.PhotometricInterpretation) || 'MONOCHROME2';
  const frames = Math.max(1, number(d.NumberOfFrames) ?? 1);
  const pixelData = Array.isArray(d.PixelData) ? (d.PixelData[0] as unknown) : d.PixelData;
  if (!(pixelData instanceof ArrayBuffer)) return { unavailable: 'the file has no pixel data' };
  if (rows < 1 || columns < 1 || rows * columns > MAX_PIXELS)
    return { unavailable: `Rows × Columns ${rows} × ${columns} is not a drawable size` };
  if (![8, 16, 32].includes(bits)) return { unavailable: `Bits Allocated ${bits} is not drawn here` };
  const monochrome = photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2';
  if (!(monochrome && samples === 1) && !(photometric === 'RGB' && samples === 3))
    return { unavailable: `Photometric Interpretation ${photometric} with ${samples} sample(s) is not drawn here` };
  const frameBytes = rows * columns * samples * (bits / 8);
  if (pixelData.byteLength < frameBytes * frames)
    return {
      unavailable: `the pixel data (${pixelData.byteLength} bytes) is shorter than ${frames} frame(s) of ${rows} × ${columns}`,
    };
  const frame = new DataView(pixelData, frameBytes * Math.floor((frames - 1) / 2), frameBytes);
  const step = Math.max(1, Math.ceil(Math.max(rows, columns) / MAX_SIDE));
  const width = Math.ceil(columns / step);
  const height = Math.ceil(rows / step);
  const png = new pngjs.PNG({ width, height });

  if (!monochrome) {
    const planar = number(d.PlanarConfiguration) === 1;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const p = y * step * columns + x * step;
        for (let c = 0; c < 3; c++) {
          const index = planar ? c * rows * columns + p : p * 3 + c;
          png.data[(y * width + x) * 4 + c] = sample(frame, index, bits, false, bits) >> (bits - 8);
        }
        png.data[(y * width + x) * 4 + 3] = 255;
      }
    return { width, height, rows, columns, dataUri: dataUri(png, 2) };
  }

  const signed = number(d.PixelRepresentation) === 1;
  const stored = Math.min(bits, number(d.BitsStored) ?? bits);
  const slope = number(d.RescaleSlope) ?? 1;
  const intercept = number(d.RescaleIntercept) ?? 0;
  const values = new Float64Array(width * height);
  let min = Infinity;
  let max = -Infinity;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = sample(frame, y * step * columns + x * step, bits, signed, stored) * slope + intercept;
      values[y * width + x] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  const center = number(d.WindowCenter);
  const windowWidth = number(d.WindowWidth);
  const window =
    center !== undefined && windowWidth !== undefined && windowWidth >= 1
      ? { center, width: windowWidth, from: 'Window Center/Width' as const }
      : { center: (min + max) / 2, width: Math.max(1, max - min + 1), from: 'value range' as const };
  const invert = photometric === 'MONOCHROME1';
  for (let i = 0; i < values.length; i++) {
    const level = linearWindow(values[i] ?? 0, window.center, window.width);
    const g = invert ? 255 - level : level;
    png.data[i * 4] = g;
    png.data[i * 4 + 1] = g;
    png.data[i * 4 + 2] = g;
    png.data[i * 4 + 3] = 255;
  }
  return { width, height, rows, columns, dataUri: dataUri(png, 0), window };
}

/** DICOM's linear VOI window (PS3.3 C.11.2.1.2.1) onto 0..255. */
export function linearWindow(x: number, center: number, width: number): number {
  const low = center - 0.5 - (width - 1) / 2;
  const high = center - 0.5 + (width - 1) / 2;
  if (x <= low) return 0;
  if (x > high) return 255;
  return Math.round(((x - (center - 0.5)) / (width - 1) + 0.5) * 255);
}

function sample(frame: DataView, index: number, bits: number, signed: boolean, stored: number): number {
  let raw: number;
  if (bits === 8) raw = frame.getUint8(index);
  else if (bits === 16) raw = frame.getUint16(index * 2, true);
  else raw = frame.getUint32(index * 4, true);
  if (stored < 32) raw = raw % 2 ** stored; // only the stored bits count (the rest may hold overlays)
  return signed && raw >= 2 ** (stored - 1) ? raw - 2 ** stored : raw;
}

function dataUri(png: pngjs.PNG, colorType: 0 | 2): string {
  return `data:image/png;base64,${pngjs.PNG.sync.write(png, { colorType }).toString('base64')}`;
}
