/**
 * Byte-level edits of DICOM Part 10 files: set, replace or delete top-level elements while every
 * other byte stays as it was. Real sample files keep what makes them real (their transfer syntax,
 * big-endian or implicit VR encoding, encapsulated pixel data, private tags, character set);
 * re-encoding them with dcmjs would normalise exactly that away.
 */
import dcmjs from 'dcmjs';
import { DicomReadError, isDicomPart10, tagOf } from '../dicom.js';
import { IMPLEMENTATION_CLASS_UID } from '../synthetic.js';

const { DicomMetaDictionary } = dcmjs.data;

/** A value given as bytes, already in the file's byte order (pixel data, binary VRs). */
export interface RawValue {
  vr: string;
  bytes: Uint8Array;
}

/** keyword -> new value: text (several values joined by "\"), numbers for binary VRs, raw bytes, or null to delete. */
export type Edits = Readonly<Record<string, string | readonly string[] | number | readonly number[] | RawValue | null>>;

/** How a dataset is encoded, from its transfer syntax. */
export interface Encoding {
  explicit: boolean;
  little: boolean;
}

/** One top-level element: its tag as a number (group << 16 | element) and where its bytes are. */
interface Span {
  tag: number;
  vr?: string;
  start: number;
  end: number;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const META_GROUP_LENGTH = 0x00020000;

/** The dataset encoding a transfer syntax implies; deflated files are refused (their dataset is zlib data). */
export function encodingOf(transferSyntaxUid: string): Encoding {
  if (transferSyntaxUid === DEFLATED)
    throw new DicomReadError('deflated transfer syntax: cannot edit a zlib-compressed dataset in place');
  return { explicit: transferSyntaxUid !== IMPLICIT_LE, little: transferSyntaxUid !== EXPLICIT_BE };
}

/** Applies `edits` to the dataset and `metaEdits` to the file meta group of a Part 10 file. */
export function editDicom(file: Uint8Array, edits: Edits, metaEdits: Edits = {}): Uint8Array {
  const parsed = parsePart10(file);
  const charset = textOf(
    file,
    parsed.dataset.find((s) => s.tag === 0x00080005),
  );
  const dataset = applyEdits(file, parsed.dataset, edits, parsed.encoding, charset);
  const metaBody = applyEdits(
    file,
    parsed.meta.filter((s) => s.tag !== META_GROUP_LENGTH),
    metaEdits,
    { explicit: true, little: true },
    '',
  );
  return concat([file.subarray(0, 132), metaGroupLength(metaBody), metaBody, dataset]);
}

/** Gives a bare dataset (no preamble, no meta, as some archives store them) the Part 10 header storescp writes. */
export function wrapPart10(
  dataset: Uint8Array,
  meta: { transferSyntaxUid: string; sopClassUid: string; sopInstanceUid: string },
): Uint8Array {
  const le = { explicit: true, little: true };
  const body = concat([
    element(0x00020001, 'OB', new Uint8Array([0, 1]), le),
    element(0x00020002, 'UI', text(meta.sopClassUid, 'UI', ''), le),
    element(0x00020003, 'UI', text(meta.sopInstanceUid, 'UI', ''), le),
    element(0x00020010, 'UI', text(meta.transferSyntaxUid, 'UI', ''), le),
    element(0x00020012, 'UI', text(IMPLEMENTATION_CLASS_UID, 'UI', ''), le),
    element(0x00020013, 'SH', text('MMK_VARIANT', 'SH', ''), le),
  ]);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, metaGroupLength(body), body, dataset]);
}

/** The file meta elements and the top-level dataset elements of a Part 10 file. */
function parsePart10(file: Uint8Array): { meta: Span[]; dataset: Span[]; encoding: Encoding } {
  if (!isDicomPart10(file)) throw new DicomReadError('not a DICOM Part 10 file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const meta: Span[] = [];
  let pos = 132;
  while (pos + 8 <= file.length && view.getUint16(pos, true) === 0x0002) {
    const span = readElement(file, view, pos, { explicit: true, little: true });
    meta.push(span);
    pos = span.end;
  }
  const ts = textOf(
    file,
    meta.find((s) => s.tag === 0x00020010),
  ).replace(/\0/g, '');
  const encoding = encodingOf(ts);
  const dataset: Span[] = [];
  while (pos + 8 <= file.length) {
    const span = readElement(file, view, pos, encoding);
    dataset.push(span);
    pos = span.end;
  }
  return { meta, dataset, encoding };
}

/** Reads one element header at `pos` and finds its end, skipping undefined-length contents. */
function readElement(file: Uint8Array, view: DataView, pos: number, enc: Encoding): Span {
  const tag = ((view.getUint16(pos, enc.little) << 16) | view.getUint16(pos + 2, enc.little)) >>> 0;
  let vr: string | undefined;
  let length: number;
  let valueStart: number;
  if (enc.explicit && tag >>> 16 !== 0xfffe) {
    vr = String.fromCharCode(file[pos + 4] ?? 0, file[pos + 5] ?? 0);
    if (LONG_VRS.has(vr)) {
      length = view.getUint32(pos + 8, enc.little);
      valueStart = pos + 12;
    } else {
      length = view.getUint16(pos + 6, enc.little);
      valueStart = pos + 8;
    }
  } else {
    length = view.getUint32(pos + 4, enc.little);
    valueStart = pos + 8;
  }
  if (length !== UNDEFINED) {
    if (valueStart + length > file.length)
      throw new DicomReadError(`element ${hex(tag)} at byte ${pos} runs past the end of the file`);
    return { tag, ...(vr ? { vr } : {}), start: pos, end: valueStart + length };
  }
  // An undefined-length UN holds implicit little endian data (PS3.5 6.2.2).
  const inner = vr === 'UN' ? { explicit: false, little: true } : enc;
  return { tag, ...(vr ? { vr } : {}), start: pos, end: skipItems(file, view, valueStart, inner) };
}

/** Skips the items of an undefined-length sequence (or encapsulated pixel data) up to its delimiter. */
function skipItems(file: Uint8Array, view: DataView, start: number, enc: Encoding): number {
  let pos = start;
  while (pos + 8 <= file.length) {
    const tag = ((view.getUint16(pos, enc.little) << 16) | view.getUint16(pos + 2, enc.little)) >>> 0;
    const length = view.getUint32(pos + 4, enc.little);
    if (tag === SEQUENCE_END) return pos + 8;
    if (tag !== ITEM) throw new DicomReadError(`expected an item at byte ${pos}, found ${hex(tag)}`);
    pos += 8;
    if (length !== UNDEFINED) {
      pos += length;
      continue;
    }
    for (;;) {
      if (pos + 8 > file.length) throw new DicomReadError('an undefined-length item runs past the end of the file');
      const inner = ((view.getUint16(pos, enc.little) << 16) | view.getUint16(pos + 2, enc.little)) >>> 0;
      if (inner === ITEM_END) {
        pos += 8;
        break;
      }
      pos = readElement(file, view, pos, enc).end;
    }
  }
  throw new DicomReadError('an undefined-length sequence has no delimiter');
}

/** The dataset bytes with the edits applied, elements kept in ascending tag order. */
function applyEdits(file: Uint8Array, spans: Span[], edits: Edits, enc: Encoding, charset: string): Uint8Array {
  const pieces = spans.map((s) => ({ tag: s.tag, bytes: file.subarray(s.start, s.end), vr: s.vr }));
  for (const [keyword, value] of Object.entries(edits)) {
    const tagText = tagOf(keyword);
    if (tagText === undefined) throw new DicomReadError(`unknown DICOM keyword "${keyword}"`);
    const tag = Number.parseInt(tagText, 16) >>> 0;
    const at = pieces.findIndex((p) => p.tag === tag);
    if (value === null) {
      if (at >= 0) pieces.splice(at, 1);
      continue;
    }
    const vr = isRaw(value) ? value.vr : (pieces[at]?.vr ?? dictionaryVr(keyword));
    const bytes = element(tag, vr, encodeValue(value, vr, enc, charset), enc);
    if (at >= 0) pieces[at] = { tag, bytes, vr };
    else {
      const next = pieces.findIndex((p) => p.tag > tag);
      pieces.splice(next < 0 ? pieces.length : next, 0, { tag, bytes, vr });
    }
  }
  return concat(pieces.map((p) => p.bytes));
}

function isRaw(value: unknown): value is RawValue {
  return typeof value === 'object' && value !== null && 'bytes' in value;
}

function dictionaryVr(keyword: string): string {
  const vr = DicomMetaDictionary.nameMap[keyword]?.vr ?? 'UN';
  // "OB or OW", "US or SS": the dictionary leaves the choice to the writer; take the first.
  return vr.slice(0, 2);
}

const BINARY: Record<
  string,
  { size: number; write: (view: DataView, at: number, n: number, little: boolean) => void }
> = {
  US: { size: 2, write: (v, at, n, l) => v.setUint16(at, n, l) },
  SS: { size: 2, write: (v, at, n, l) => v.setInt16(at, n, l) },
  UL: { size: 4, write: (v, at, n, l) => v.setUint32(at, n, l) },
  SL: { size: 4, write: (v, at, n, l) => v.setInt32(at, n, l) },
  FL: { size: 4, write: (v, at, n, l) => v.setFloat32(at, n, l) },
  FD: { size: 8, write: (v, at, n, l) => v.setFloat64(at, n, l) },
};

function encodeValue(value: Exclude<Edits[string], null>, vr: string, enc: Encoding, charset: string): Uint8Array {
  if (isRaw(value)) return value.bytes;
  const binary = BINARY[vr];
  if (binary) {
    const numbers = (Array.isArray(value) ? value : [value]).map(Number);
    const out = new Uint8Array(numbers.length * binary.size);
    const view = new DataView(out.buffer);
    numbers.forEach((n, i) => binary.write(view, i * binary.size, n, enc.little));
    return out;
  }
  const joined = Array.isArray(value) ? value.map(String).join('\\') : String(value);
  return text(joined, vr, charset);
}

/** Text in the dataset's character set (ASCII, Latin-1 or UTF-8 here), padded to an even length. */
function text(value: string, vr: string, charset: string): Uint8Array {
  let bytes: Buffer;

  if (/^[\u0000-\u007f]*$/.test(value)) bytes = Buffer.from(value, 'ascii');
  else if (charset.includes('ISO_IR 192')) bytes = Buffer.from(value, 'utf8');
  else if (charset.includes('ISO_IR 100') && /^[\u0000-\u00ff]*$/.test(value)) bytes = Buffer.from(value, 'latin1');
  else throw new DicomReadError(`cannot write "${value}" in character set "${charset || 'default (ASCII)'}"`);
  if (bytes.length % 2 === 0) return bytes;
  return concat([bytes, new Uint8Array([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]);
}

/** One element's bytes in the given encoding. */
function element(tag: number, vr: string, value: Uint8Array, enc: Encoding): Uint8Array {
  const long = LONG_VRS.has(vr);
  const headerLength = enc.explicit ? (long ? 12 : 8) : 8;
  const out = new Uint8Array(headerLength + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, enc.little);
  view.setUint16(2, tag & 0xffff, enc.little);
  if (!enc.explicit) view.setUint32(4, value.length, enc.little);
  else {
    out[4] = vr.charCodeAt(0);
    out[5] = vr.charCodeAt(1);
    if (long) view.setUint32(8, value.length, enc.little);
    else if (value.length > 0xffff)
      throw new DicomReadError(`a ${vr} value of ${value.length} bytes does not fit a 16-bit length`);
    else view.setUint16(6, value.length, enc.little);
  }
  out.set(value, headerLength);
  return out;
}

function metaGroupLength(body: Uint8Array): Uint8Array {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, body.length, true);
  return element(META_GROUP_LENGTH, 'UL', value, { explicit: true, little: true });
}

/** The value of a short text element as Latin-1 text (enough for UIDs and the character set). */
function textOf(file: Uint8Array, span: Span | undefined): string {
  if (!span) return '';
  const headerLength = span.vr && LONG_VRS.has(span.vr) ? 12 : 8;
  return Buffer.from(file.subarray(span.start + headerLength, span.end))
    .toString('latin1')
    .trim();
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function hex(tag: number): string {
  return `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`;
}
