/**
 * A walk over a Part 10 file's element headers, before dcmjs reads the values: every declared
 * length must fit in the bytes that remain. dcmjs trusts the length it reads; an explicit-VR UN
 * element whose tag it knows is copied into a buffer of the declared size and read again as that
 * tag's VR, so a 556-byte file claiming 775 MB exhausts the heap (test/fuzz/regressions). One
 * check of every length, at every depth, covers every VR. The walk follows dcmjs's own reading
 * (meta group, transfer syntax, UN re-typed by the dictionary, implicit VR by the dictionary,
 * items of defined and undefined length) so that it judges the elements dcmjs will read.
 */
import { inflateRawSync } from 'node:zlib';
import dcmjs from 'dcmjs';

const { DicomMetaDictionary } = dcmjs.data;

/** A declared length that does not fit, or a structure no reader could follow. */
export class DicomLengthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DicomLengthError';
  }
}

const UNDEFINED_LENGTH = 0xffffffff;
const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
const EXPLICIT_BIG = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
/** dcmjs inflates a deflated dataset whole, in memory; past this it is a bomb, not a dataset. */
export const MAX_INFLATED_BYTES = 256 * 1024 * 1024;
/** Sequences nest this deep at most (dcmjs reads them recursively). */
const MAX_DEPTH = 64;
const PIXEL_DATA = 0x7fe00010;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;

// dcmjs's VRs with a 32-bit length (after 2 reserved bytes); a VR it does not know it reads as UN.
const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UC', 'UR', 'UT', 'UN', 'OD']);
const DCMJS_VRS = new Set([
  ...LONG_VRS,
  ...['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM'],
  ...['UI', 'UL', 'US'],
]);
// VRs whose undefined length dcmjs reads as fragments (encapsulated pixel data and the like).
const FRAGMENT_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'UN']);

interface Walk {
  bytes: Uint8Array;
  view: DataView;
  /** The size of the whole file: `bytes` may be its first chunk only. */
  size: number;
  little: boolean;
  implicit: boolean;
  /**
   * Inside a re-typed UN sequence: dcmjs reads those bytes in the file's explicit VR, though they are
   * implicit VR (DCMTK and gdcm write them so), and sees lengths that are not the file's. There only
   * the lengths it copies or loops on must fit (re-typed UN, sequences, items); a plain value that
   * overruns is cut at the end, harmlessly, and ends the walk of that sequence.
   */
  lenient?: boolean;
}

/**
 * Throws a DicomLengthError when an element, item or the file meta group declares more bytes than
 * the file holds after it. `size` is the file's size when `bytes` is its start only; with
 * `untilPixelData` the walk stops at the top-level Pixel Data element, as the header read does.
 */
export function checkElementLengths(
  bytes: Uint8Array,
  options: { size?: number; untilPixelData?: boolean; maxInflatedBytes?: number } = {},
): void {
  const size = Math.max(options.size ?? bytes.length, bytes.length);
  const meta: Walk = { bytes, view: viewOf(bytes), size, little: true, implicit: false };
  const { end, transferSyntax } = walkMeta(meta);
  if (transferSyntax === DEFLATED) {
    const inflated = inflate(bytes.subarray(end), options.maxInflatedBytes ?? MAX_INFLATED_BYTES);
    const walk: Walk = {
      bytes: inflated,
      view: viewOf(inflated),
      size: inflated.length,
      little: true,
      implicit: false,
    };
    walkDataset(walk, 0, inflated.length, 0, options.untilPixelData === true);
    return;
  }
  const walk: Walk = {
    ...meta,
    little: transferSyntax !== EXPLICIT_BIG,
    implicit: transferSyntax === IMPLICIT_LITTLE,
  };
  walkDataset(walk, end, bytes.length, 0, options.untilPixelData === true);
}

/** The meta group as dcmjs reads it: by its group length when it starts with one, else up to (0003,0000). */
function walkMeta(walk: Walk): { end: number; transferSyntax: string } {
  const first = readHeader(walk, 132, walk.bytes.length);
  let end: number;
  if (first?.tag === 0x00020000) {
    if (first.length !== 4 || first.vr !== 'UL')
      throw new DicomLengthError('the file meta group length (0002,0000) is not a 4-byte UL');
    if (first.valueAt + 4 > walk.bytes.length)
      throw new DicomLengthError('the file ends inside the file meta group length (0002,0000)');
    const length = walk.view.getUint32(first.valueAt, true);
    fits(walk, first.valueAt + 4, length, 'the file meta group (0002,0000)');
    end = first.valueAt + 4 + length;
    walkDataset(walk, first.valueAt + 4, Math.min(end, walk.bytes.length), 0, false);
  } else {
    end = walkDataset(walk, 132, walk.bytes.length, 0, false, 0x00030000);
  }
  return { end, transferSyntax: transferSyntaxIn(walk.bytes, 132, Math.min(end, walk.bytes.length)) };
}

/** Walks the elements in [at, end); returns where the walk stopped. */
function walkDataset(walk: Walk, at: number, end: number, depth: number, untilPixelData: boolean, lastTag?: number) {
  if (depth > MAX_DEPTH) throw new DicomLengthError(`sequences nest deeper than ${MAX_DEPTH} levels`);
  let pos = at;
  while (pos < end) {
    const element = readHeader(walk, pos, end);
    if (element === undefined) return pos;
    if (lastTag !== undefined && element.tag > lastTag) return pos;
    if (untilPixelData && element.tag === PIXEL_DATA) return pos;
    const { valueAt, length, vr } = element;
    const name = `element ${tagName(element.tag)} ${element.retyped ? `UN (read as ${vr})` : vr}`;
    if (length === UNDEFINED_LENGTH) {
      // dcmjs reads a re-typed UN of undefined length as fragments, then parses the first fragment
      // as the dictionary's VR; only plain binary VRs survive that.
      if (element.sequence && !element.retyped) pos = walkSequence(walk, valueAt, undefined, end, depth + 1);
      else if (FRAGMENT_VRS.has(vr)) pos = walkFragments(walk, valueAt, end, name);
      else throw new DicomLengthError(`${name} has an undefined length, which only sequences and pixel data may have`);
      continue;
    }
    if (walk.lenient && !element.retyped && !element.sequence && length > walk.size - valueAt) return end;
    fits(walk, valueAt, length, name);
    if (!element.sequence) pos = valueAt + length;
    // A re-typed UN is read from a copy of its own bytes; an SQ from the stream it is in, past its
    // declared end when its items say so.
    else if (element.retyped) {
      walkSequence({ ...walk, lenient: true }, valueAt, length, valueAt + length, depth + 1);
      pos = valueAt + length;
    } else pos = walkSequence(walk, valueAt, length, end, depth + 1);
  }
  return pos;
}

/**
 * A sequence's items, as dcmjs's SequenceOfItems reads them: tag by tag until the sequence
 * delimiter, the end of the stream, or exactly `length` bytes read; returns where it stopped.
 */
function walkSequence(walk: Walk, at: number, length: number | undefined, end: number, depth: number): number {
  if (length === 0) return at;
  const limit = Math.min(end, walk.bytes.length);
  let pos = at;
  while (pos + 4 <= limit) {
    const tag = readTag(walk, pos);
    pos += 4;
    if (tag === SEQUENCE_END) return pos + 4;
    if (length !== undefined && pos - at === length) return pos;
    if (tag !== ITEM) continue; // dcmjs reads the next tag four bytes on
    if (pos + 4 > limit) return pos;
    const itemLength = readUint32(walk, pos);
    const content = pos + 4;
    const undefinedItem = itemLength === UNDEFINED_LENGTH;
    const contentLength = undefinedItem ? undefinedItemLength(walk, content, limit) : itemLength;
    fits(walk, content, contentLength, 'a sequence item (FFFE,E000)');
    walkDataset(walk, content, Math.min(content + contentLength, limit), depth, false);
    pos = content + contentLength + (undefinedItem ? 8 : 0);
    if (length !== undefined && pos - at === length) return pos;
  }
  return pos;
}

/** An item of undefined length ends at its matching item delimiter (nested undefined items counted). */
function undefinedItemLength(walk: Walk, at: number, end: number): number {
  let nested = 0;
  for (let pos = at; pos + 8 <= end; pos += 2) {
    const tag = readTag(walk, pos);
    if (tag === ITEM_END && readUint32(walk, pos + 4) === 0) {
      if (nested === 0) return pos - at;
      nested--;
    } else if (tag === ITEM && readUint32(walk, pos + 4) === UNDEFINED_LENGTH) nested++;
  }
  // No delimiter: the item runs to the end of what there is (dcmjs then fails reading past it).
  return end - at;
}

/** Encapsulated data: items (fragments) of defined length up to the sequence delimiter. */
function walkFragments(walk: Walk, at: number, end: number, name: string): number {
  let pos = at;
  while (pos + 8 <= Math.min(end, walk.bytes.length)) {
    const tag = readTag(walk, pos);
    if (tag === SEQUENCE_END) return pos + 8;
    if (tag !== ITEM) return pos; // dcmjs refuses this itself ("Invalid tag in sequence")
    const length = readUint32(walk, pos + 4);
    fits(walk, pos + 8, length, `a fragment of ${name}`);
    pos += 8 + length;
  }
  return pos;
}

interface ElementHeader {
  tag: number;
  /** The VR dcmjs reads the value as. */
  vr: string;
  length: number;
  valueAt: number;
  /** dcmjs reads the value as a sequence of items. */
  sequence: boolean;
  /** An explicit UN that dcmjs reads as the dictionary's VR. */
  retyped: boolean;
}

/** One element header in the walk's syntax, with the VR dcmjs will read it as; undefined past `end`. */
function readHeader(walk: Walk, at: number, end: number): ElementHeader | undefined {
  const limit = Math.min(end, walk.bytes.length);
  if (at + 8 > limit) return undefined;
  const tag = readTag(walk, at);
  const known = DicomMetaDictionary.dictionary[tagName(tag)]?.vr;
  if (walk.implicit) {
    const length = readUint32(walk, at + 4);
    // Implicit VR: the dictionary's VR; a tag it does not know is a sequence when its length is undefined.
    const vr = known === undefined ? (length === UNDEFINED_LENGTH ? 'SQ' : 'UN') : dcmjsVr(known);
    return { tag, vr, length, valueAt: at + 8, sequence: vr === 'SQ', retyped: false };
  }
  const written = String.fromCharCode(walk.bytes[at + 4] ?? 0, walk.bytes[at + 5] ?? 0);
  const retyped = written === 'UN' && known !== undefined;
  const vr = dcmjsVr(retyped ? (known ?? 'UN') : written);
  // dcmjs reads a re-typed UN with the UN's 32-bit length, whatever the dictionary's VR.
  if (retyped || LONG_VRS.has(vr)) {
    if (at + 12 > limit) return undefined;
    return { tag, vr, length: readUint32(walk, at + 8), valueAt: at + 12, sequence: vr === 'SQ', retyped };
  }
  return { tag, vr, length: walk.view.getUint16(at + 6, walk.little), valueAt: at + 8, sequence: false, retyped };
}

/** The VR dcmjs makes of a VR name (its createByTypeString): "ox" is OW, "xs" US, anything unknown UN. */
function dcmjsVr(name: string): string {
  if (DCMJS_VRS.has(name)) return name;
  return name === 'ox' ? 'OW' : name === 'xs' ? 'US' : 'UN';
}

function fits(walk: Walk, at: number, length: number, what: string): void {
  const remaining = Math.max(0, walk.size - at);
  if (length > remaining)
    throw new DicomLengthError(
      `${what} declares ${length.toLocaleString('en-US')} bytes, but only ${remaining.toLocaleString('en-US')} remain in the file: it is truncated or corrupt`,
    );
}

/** (0002,0010) in the meta group, as dcmjs takes it: the first value, its padding dropped. */
function transferSyntaxIn(bytes: Uint8Array, at: number, end: number): string {
  const walk: Walk = { bytes, view: viewOf(bytes), size: bytes.length, little: true, implicit: false };
  for (let pos = at; pos + 8 <= end;) {
    const element = readHeader(walk, pos, end);
    if (element === undefined || element.length === UNDEFINED_LENGTH) return '';
    if (element.tag === 0x00020010) {
      // A UID is at most 64 characters; more is garbage that must not reach String.fromCharCode whole.
      const value = bytes.subarray(
        element.valueAt,
        Math.min(element.valueAt + element.length, end, element.valueAt + 64),
      );
      return (String.fromCharCode(...value).split('\\')[0] ?? '').replace(/\0+$/, '');
    }
    pos = element.valueAt + element.length;
  }
  return '';
}

function inflate(deflated: Uint8Array, limit: number): Uint8Array {
  try {
    return inflateRawSync(deflated, { maxOutputLength: limit });
  } catch (error) {
    const past = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new DicomLengthError(
      past
        ? `the deflated dataset inflates to more than ${(limit / 1024 / 1024).toLocaleString('en-US')} MB`
        : `the deflated dataset cannot be inflated: ${(error as Error).message}`,
    );
  }
}

function readTag(walk: Walk, at: number): number {
  const group = walk.view.getUint16(at, walk.little);
  const element = walk.view.getUint16(at + 2, walk.little);
  return ((group << 16) | element) >>> 0;
}

function readUint32(walk: Walk, at: number): number {
  return walk.view.getUint32(at, walk.little);
}

/** "(0008,0016)": the dictionary's key and the way findings name a tag. */
function tagName(tag: number): string {
  const hex = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
