/**
 * Reading DICOM Part 10 files with dcmjs: whole datasets, or just the header values a .tags file
 * and the folder checks need (parsing stops before the pixel data).
 */
import { open, readFile } from 'node:fs/promises';
import dcmjs, { type DicomDict } from 'dcmjs';
import { checkElementLengths, DicomLengthError } from './dicom-lengths.js';
import { TAGS_FILE_DICOM_KEYWORDS } from './tags-file.js';

const { DicomMessage, DicomMetaDictionary } = dcmjs.data;

// dcmjs logs parse warnings straight to the console; the library never writes to the terminal.
dcmjs.log.setLevel('silent');
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

/** A dataset keyed by DICOM keyword, as dcmjs naturalizes it (numbers for US/DS/IS, arrays for VM > 1). */
export type DicomDataset = Record<string, unknown>;

/** A parsed Part 10 file: the file meta header and the dataset. */
export interface DicomFile {
  meta: DicomDataset;
  dataset: DicomDataset;
  transferSyntaxUid: string;
}

/** Header values by DICOM keyword, as text (see `elementText`); tags absent from the file are absent here. */
export type DicomHeader = Record<string, string>;

/** An element as dcmjs holds it: VR, parsed values and the values as stored. */
export interface DicomElementLike {
  vr: string;
  Value?: unknown[];
  _rawValue?: unknown;
}

/** Thrown when bytes are not a DICOM file dcmjs can read; the message names the reason. */
export class DicomReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DicomReadError';
  }
}

const PIXEL_DATA = '7FE00010';
const PART10_MAGIC_OFFSET = 128;

/** True when the bytes start like a Part 10 file: a 128-byte preamble, then "DICM". */
export function isDicomPart10(buffer: Uint8Array): boolean {
  return (
    buffer.length >= PART10_MAGIC_OFFSET + 4 &&
    buffer[128] === 0x44 &&
    buffer[129] === 0x49 &&
    buffer[130] === 0x43 &&
    buffer[131] === 0x4d
  );
}

/** Reads a whole Part 10 file (pixel data included, not decompressed) into naturalized datasets. */
export function readDicom(buffer: Uint8Array): DicomFile {
  const dict = parse(buffer, false);
  return {
    meta: DicomMetaDictionary.naturalizeDataset(dict.meta),
    dataset: DicomMetaDictionary.naturalizeDataset(dict.dict),
    transferSyntaxUid: firstText(dict.meta['00020010']),
  };
}

/** Header values of a Part 10 buffer for the given keywords (default: those a .tags file needs). */
export function parseDicomHeader(buffer: Uint8Array, keywords: readonly string[] = HEADER_KEYWORDS): DicomHeader {
  return headerOf(buffer, keywords, buffer.length);
}

/** parseDicomHeader of `buffer`, the first bytes of a file of `size` bytes. */
function headerOf(buffer: Uint8Array, keywords: readonly string[], size: number): DicomHeader {
  const dict = parse(buffer, true, size);
  const header: DicomHeader = {};
  for (const keyword of keywords) {
    const tag = tagOf(keyword);
    const element = tag === undefined ? undefined : tag.startsWith('0002') ? dict.meta[tag] : dict.dict[tag];
    if (element !== undefined) header[keyword] = elementText(element);
  }
  return header;
}

/** Header values of the Part 10 file at `path` (see parseDicomHeader); throws DicomReadError for non-DICOM. */
export async function readDicomHeader(
  path: string,
  keywords: readonly string[] = HEADER_KEYWORDS,
): Promise<DicomHeader> {
  const file = await open(path, 'r');
  let head: Uint8Array;
  let size: number;
  try {
    // The header sits before the pixel data: read a first chunk only, so that judging hundreds of
    // output slices does not read them whole. Non-DICOM files are rejected from their first bytes.
    size = (await file.stat()).size;
    const chunk = Buffer.allocUnsafeSlow(Math.min(size, HEADER_CHUNK));
    const { bytesRead } = await file.read(chunk, 0, chunk.length, 0);
    head = chunk.subarray(0, bytesRead);
    if (!isDicomPart10(head)) throw new DicomReadError(notPart10(bytesRead));
  } finally {
    await file.close();
  }
  // dcmjs stops quietly at the end of a short buffer, so the chunk is used only when it provably
  // reaches the Pixel Data element; otherwise (large sequences, no pixel data) read it all.
  if (head.length < size && reachesPixelData(head, size)) return headerOf(head, keywords, size);
  return parseDicomHeader(await readFile(path), keywords);
}

/**
 * True when `head` (the start of a file of `size` bytes) holds the header of the Pixel Data
 * element (7FE0,0010) with a length that fits the file, or undefined (encapsulated): a byte
 * pattern that practically cannot occur by chance inside an earlier value.
 */
export function reachesPixelData(head: Uint8Array, size: number): boolean {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (let i = 132; i + 12 <= head.length; i++) {
    const little = head[i] === 0xe0 && head[i + 1] === 0x7f && head[i + 2] === 0x10 && head[i + 3] === 0x00;
    const big = head[i] === 0x7f && head[i + 1] === 0xe0 && head[i + 2] === 0x00 && head[i + 3] === 0x10;
    if (!little && !big) continue;
    const explicit = head[i + 4] === 0x4f && (head[i + 5] === 0x57 || head[i + 5] === 0x42); // "OW" / "OB"
    const length = explicit ? view.getUint32(i + 8, little) : view.getUint32(i + 4, little);
    const valueStart = i + (explicit ? 12 : 8);
    // Explicit VR: "OW"/"OB" after the tag is already unlikely by chance; the value must fit the
    // file (trailing padding elements may follow it). Implicit VR: only an exact fit to the end.
    if (explicit ? length === 0xffffffff || valueStart + length <= size : valueStart + length === size) return true;
  }
  return false;
}

/** How much of a file readDicomHeader reads first; the headers of image files fit easily. */
const HEADER_CHUNK = 64 * 1024;

/** The keywords readDicomHeader returns by default: the .tags values plus what ordering and checks use. */
export const HEADER_KEYWORDS: readonly string[] = [
  ...TAGS_FILE_DICOM_KEYWORDS,
  'TransferSyntaxUID',
  'SOPClassUID',
  'ImagePositionPatient',
  'SliceLocation',
  'Rows',
  'Columns',
];

/** "0020000E" for "SeriesInstanceUID" or for "0020,000e" / "(0020,000E)"; undefined when unknown. */
export function tagOf(keyword: string): string | undefined {
  const hex = /^\(?([0-9a-f]{4}),?([0-9a-f]{4})\)?$/i.exec(keyword);
  if (hex) return `${hex[1]}${hex[2]}`.toUpperCase();
  const entry = DicomMetaDictionary.nameMap[keyword];
  return entry ? entry.tag.replace(/[(),]/g, '').toUpperCase() : undefined;
}

/** The .tags key DCMTK uses for a tag spec: its dictionary keyword, else "(gggg,eeee)" in lowercase hex. */
export function tagKeyOf(spec: string): string {
  const tag = tagOf(spec);
  if (tag === undefined)
    throw new DicomReadError(`unknown DICOM tag "${spec}": give a keyword (PatientAge) or "gggg,eeee"`);
  const entry = DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  return entry && entry.name !== 'Unknown'
    ? entry.name
    : `(${tag.slice(0, 4).toLowerCase()},${tag.slice(4).toLowerCase()})`;
}

// VRs whose leading spaces DCMTK drops too when it normalizes (all VRs lose trailing padding).
const TRIM_LEADING = new Set(['AE', 'CS', 'DS', 'IS', 'DA', 'TM', 'DT', 'UI']);
const BULK_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'UN', 'SQ']);

/**
 * An element as text, the way DCMTK's findAndGetOFStringArray gives it: the stored strings (not
 * dcmjs' parsed numbers, so "5.000000" stays "5.000000"), each value's padding trimmed, values
 * joined by a backslash; binary numbers in decimal (FL/FD in JS's shortest form, which can differ
 * from DCMTK's for float32); sequences and bulk data as "".
 */
export function elementText(element: DicomElementLike): string {
  if (BULK_VRS.has(element.vr)) return '';
  const raw = element._rawValue ?? element.Value ?? [];
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  const trimLeading = TRIM_LEADING.has(element.vr);
  return values
    .map((v) => {
      if (typeof v === 'string') return trimLeading ? v.replace(/^[ \0]+|[ \0]+$/g, '') : v.replace(/[ \0]+$/, '');
      if (typeof v === 'number' || typeof v === 'bigint') return String(v);
      return '';
    })
    .join('\\');
}

function firstText(element: DicomElementLike | undefined): string {
  return element ? (elementText(element).split('\\')[0] ?? '') : '';
}

/** `buffer` is the whole file, or its first bytes when `size` (the file's size) is larger. */
function parse(buffer: Uint8Array, headerOnly: boolean, size = buffer.length): DicomDict {
  if (!isDicomPart10(buffer)) throw new DicomReadError(notPart10(buffer.length));
  // dcmjs fails with a bare TypeError on this; say what is wrong instead.
  if (metaLacksTransferSyntax(buffer))
    throw new DicomReadError('cannot parse DICOM: the file meta header has no TransferSyntaxUID (0002,0010)');
  // dcmjs trusts declared lengths (one claiming 775 MB in a 556-byte file fills the heap): check them first.
  try {
    checkElementLengths(buffer, { size, untilPixelData: headerOnly });
  } catch (error) {
    if (error instanceof DicomLengthError) throw new DicomReadError(`cannot parse DICOM: ${error.message}`);
    throw error;
  }
  // Use the bytes in place when the view covers its whole buffer (files read from disk): copying
  // half a megabyte per slice only to read a few hundred header bytes is most of the cost.
  const whole =
    buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength && buffer.buffer instanceof ArrayBuffer;
  const arrayBuffer = whole
    ? buffer.buffer
    : (buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer);
  const base = headerOnly ? { untilTag: PIXEL_DATA, includeUntilTagValue: false } : {};
  let dict: DicomDict;
  try {
    dict = DicomMessage.readFile(arrayBuffer, { ...base, ignoreErrors: false });
  } catch (error) {
    if (!RECOVERABLE.test(message(error)))
      throw new DicomReadError(`cannot parse DICOM: ${message(error)}`, { cause: error });
    // DCMTK (and so mercure) reads these files; dcmjs refuses only in strict mode, so read leniently.
    try {
      dict = DicomMessage.readFile(arrayBuffer, { ...base, ignoreErrors: true });
    } catch (retryError) {
      throw new DicomReadError(`cannot parse DICOM: ${message(retryError)}`, { cause: retryError });
    }
  }
  return dict;
}

/** True when the meta group has a length element and no (0002,0010) inside the group. */
function metaLacksTransferSyntax(buffer: Uint8Array): boolean {
  // (0002,0000) UL, explicit VR little endian: 02 00 00 00 'U' 'L' 04 00 <length>.
  const b = buffer;
  if (!(b[132] === 0x02 && b[133] === 0 && b[134] === 0 && b[135] === 0 && b[136] === 0x55 && b[137] === 0x4c))
    return false;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 144) return false;
  const end = Math.min(b.length - 4, 144 + view.getUint32(140, true));
  for (let i = 144; i < end; i++) {
    if (b[i] === 0x02 && b[i + 1] === 0 && b[i + 2] === 0x10 && b[i + 3] === 0) return false;
  }
  return true;
}

// Strict-mode refusals that are about the file's form, not about truncated or corrupt data.
const RECOVERABLE = /character set|meta length tag/i;

function notPart10(length: number): string {
  return length < 132
    ? `not a DICOM Part 10 file (only ${length} bytes)`
    : 'not a DICOM Part 10 file (no "DICM" after the 128-byte preamble)';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
