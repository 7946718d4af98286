// The length check before dcmjs reads a file (issue 16): a declared length past the end of the file
// is a DicomReadError naming the element, at any depth and for every VR, instead of dcmjs copying
// and re-reading a buffer of the declared size (heap exhaustion) or looping over it (minutes).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkElementLengths, DicomLengthError } from '../../src/mercure/dicom-lengths.js';
import { DicomReadError, parseDicomHeader, readDicom, readDicomHeader } from '../../src/mercure/dicom.js';
import { createSyntheticSeries } from '../../src/mercure/synthetic.js';

const BOMB = path.join(import.meta.dirname, '../fuzz/regressions/dicom-heap-bomb.dcm');
const HUGE = 775_040_561;

const u16 = (n: number) => [n & 0xff, n >>> 8];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const even = (bytes: number[]) => (bytes.length % 2 ? [...bytes, 0] : bytes);
const tag = (t: number) => [...u16(t >>> 16), ...u16(t & 0xffff)];
/** An explicit VR little endian element; long VRs get the reserved bytes and a 32-bit length. */
function el(t: number, vr: string, value: number[], length = value.length): number[] {
  const long = ['OB', 'OW', 'OF', 'OD', 'SQ', 'UC', 'UR', 'UT', 'UN'].includes(vr);
  return [...tag(t), ...ascii(vr), ...(long ? [0, 0, ...u32(length)] : u16(length)), ...value];
}
const item = (content: number[], length = content.length) => [...tag(0xfffee000), ...u32(length), ...content];
const UID = even(ascii('1.2.3.4'));

/** A Part 10 file: preamble, meta group with its length, then the dataset bytes as given. */
function part10(dataset: number[], transferSyntax = '1.2.840.10008.1.2.1'): Uint8Array {
  const meta = el(0x00020010, 'UI', even(ascii(transferSyntax)));
  return Uint8Array.from([
    ...new Array<number>(128).fill(0),
    ...ascii('DICM'),
    ...el(0x00020000, 'UL', u32(meta.length)),
    ...meta,
    ...dataset,
  ]);
}

function readError(bytes: Uint8Array): string {
  try {
    parseDicomHeader(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DicomReadError);
    return (error as Error).message;
  }
  throw new Error('read without an error');
}

describe('declared lengths are checked before dcmjs reads them', () => {
  it('dl01 regressions/dicom-heap-bomb.dcm: a DicomReadError naming the element, from every reader', async () => {
    const bytes = await readFile(BOMB);
    expect(bytes.length).toBe(556);
    const named =
      /cannot parse DICOM: element \(0008,0016\) UN \(read as UI\) declares 775,040,561 bytes, but only 150 remain/;
    expect(() => parseDicomHeader(bytes)).toThrow(named);
    expect(() => readDicom(bytes)).toThrow(named);
    await expect(readDicomHeader(BOMB)).rejects.toThrow(named);
    await expect(readDicomHeader(BOMB)).rejects.toBeInstanceOf(DicomReadError);
  });

  it.each([
    [
      'dl02 a re-typed UN inside a sequence item',
      el(0x00081110, 'SQ', item(el(0x00081150, 'UN', UID, HUGE))),
      /\(0008,1150\) UN \(read as UI\) declares 775,040,561/,
    ],
    [
      'dl03 a re-typed UN read as a sequence (dcmjs looped for 10 s)',
      el(0x00081110, 'UN', [], HUGE),
      /\(0008,1110\) UN \(read as SQ\) declares 775,040,561/,
    ],
    [
      'dl04 a sequence item',
      el(0x00081110, 'SQ', item([], HUGE)),
      /a sequence item \(FFFE,E000\) declares 775,040,561/,
    ],
    ['dl05 a private OB', el(0x00091010, 'OB', [1, 2], HUGE), /\(0009,1010\) OB declares 775,040,561/],
    ['dl06 a UT', el(0x00081030, 'UT', [], 0x10000), /\(0008,1030\) UT declares 65,536 bytes/],
    [
      'dl07 a re-typed UN of undefined length',
      el(0x00080016, 'UN', UID, 0xffffffff),
      /\(0008,0016\) UN \(read as UI\) has an undefined length/,
    ],
    [
      'dl08 a fragment of encapsulated data',
      el(0x00091010, 'OB', item([], 0), 0xffffffff).concat(item([1, 2], HUGE)),
      /a fragment of element \(0009,1010\) OB declares/,
    ],
  ])('%s', (_name, dataset, message) => {
    expect(readError(part10(dataset))).toMatch(message);
  });

  it('dl09 implicit VR: lengths by the dictionary VR, checked the same way', () => {
    const dataset = [...tag(0x00080016), ...u32(HUGE), ...UID];
    expect(readError(part10(dataset, '1.2.840.10008.1.2'))).toMatch(/\(0008,0016\) UI declares 775,040,561/);
  });

  it('dl10 a deflated dataset is inflated within a bound, then checked', () => {
    const deflated = [...deflateRawSync(Uint8Array.from(el(0x00080016, 'UN', UID, HUGE)))];
    expect(readError(part10(deflated, '1.2.840.10008.1.2.1.99'))).toMatch(/\(0008,0016\) UN \(read as UI\) declares/);
    const zeros = [...deflateRawSync(new Uint8Array(4096))];
    expect(() => checkElementLengths(part10(zeros, '1.2.840.10008.1.2.1.99'), { maxInflatedBytes: 1024 })).toThrow(
      new DicomLengthError('the deflated dataset inflates to more than 0.001 MB'),
    );
  });

  it('dl11 a well-formed file passes, and so does the first chunk of a larger one', () => {
    const slice = createSyntheticSeries({
      modality: 'CT',
      now: new Date(0),
      slices: 1,
      rows: 64,
      columns: 64,
      seed: 'dl',
    }).slice(0);
    expect(() => checkElementLengths(slice)).not.toThrow();
    // The header read stops at the pixel data; a chunk cut inside it is checked against the file's size.
    const chunk = slice.subarray(0, slice.length - 100);
    expect(() => checkElementLengths(chunk, { size: slice.length, untilPixelData: true })).not.toThrow();
    expect(() => checkElementLengths(chunk)).toThrow(/\(7FE0,0010\) OW declares 8,192 bytes, but only 8,092 remain/);
  });

  it('dl12 a sequence of well-formed items of defined and undefined length passes', () => {
    const undefinedItem = [
      ...tag(0xfffee000),
      ...u32(0xffffffff),
      ...el(0x00081150, 'UI', UID),
      ...tag(0xfffee00d),
      ...u32(0),
    ];
    const sequence = [
      ...el(0x00081110, 'SQ', [], 0xffffffff),
      ...undefinedItem,
      ...item(el(0x00081155, 'UI', UID)),
      ...tag(0xfffee0dd),
      ...u32(0),
    ];
    const bytes = part10([...sequence, ...el(0x00080018, 'UI', UID)]);
    expect(() => checkElementLengths(bytes)).not.toThrow();
    expect(parseDicomHeader(bytes)['SOPInstanceUID']).toBe('1.2.3.4');
  });
});
