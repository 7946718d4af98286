// The output check's readers under generated input: DICOM bytes (real slices mutated, truncated,
// spliced, and noise behind a DICM preamble) give a header or a DicomReadError; result.json text
// gives a problem or none, never an exception, and "none" means exactly "a JSON object".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultJsonProblem } from '../../src/contract/output.js';
import { DicomReadError, isDicomPart10, parseDicomHeader, reachesPixelData } from '../../src/mercure/dicom.js';
import { createSyntheticSeries } from '../../src/mercure/synthetic.js';
import { holds, textOf } from './support.js';

const slice = createSyntheticSeries({
  modality: 'CT',
  now: new Date('2026-01-01T00:00:00Z'),
  slices: 1,
  rows: 4,
  columns: 4,
  seed: 'fuzz',
}).slice(0);
const preamble = new Uint8Array([...new Uint8Array(128), 0x44, 0x49, 0x43, 0x4d]);

/** A real slice with some bytes changed, cut short, and/or with bytes inserted. */
const mutatedDicom = fc
  .record({
    flips: fc.array(fc.tuple(fc.nat({ max: slice.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    cut: fc.option(fc.nat({ max: slice.length }), { nil: undefined }),
    insert: fc.option(fc.tuple(fc.nat({ max: slice.length }), fc.uint8Array({ maxLength: 16 })), { nil: undefined }),
  })
  .map(({ flips, cut, insert }) => {
    let bytes = Uint8Array.from(slice);
    for (const [at, value] of flips) if (at >= 132) bytes[at] = value; // keep the magic: reach the parser
    if (insert) bytes = Uint8Array.from([...bytes.subarray(0, insert[0]), ...insert[1], ...bytes.subarray(insert[0])]);
    if (cut !== undefined) bytes = bytes.subarray(0, cut);
    return bytes;
  });
const noise = fc.uint8Array({ maxLength: 300 }).map((tail) => Uint8Array.from([...preamble, ...tail]));
const anyBytes = fc.oneof(mutatedDicom, noise, fc.uint8Array({ maxLength: 200 }));

describe('DICOM reader (fuzz)', () => {
  // At 2,000 cases until the reader checked declared lengths: with this seed, a case past 4,000
  // (regressions/dicom-heap-bomb.dcm) made dcmjs exhaust the heap.
  it('a header or a DicomReadError, never another exception', () => {
    holds(
      fc.property(anyBytes, (bytes) => {
        expect(typeof isDicomPart10(bytes)).toBe('boolean');
        expect(typeof reachesPixelData(bytes, bytes.length + 10)).toBe('boolean');
        try {
          const header = parseDicomHeader(bytes);
          for (const value of Object.values(header)) expect(typeof value).toBe('string');
        } catch (error) {
          expect(error, String((error as Error)?.stack)).toBeInstanceOf(DicomReadError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

const jsonPieces = [
  '{',
  '}',
  '[',
  ']',
  '"a"',
  ':',
  ',',
  '1',
  'null',
  'true',
  '"__mercure_routing"',
  '{"x":1}',
  ' ',
  '\n',
  '\uFEFF',
  '"\\u0000"',
  '1e999',
  '-0',
];
describe('result.json reader (fuzz)', () => {
  it('a problem or none; none exactly when the text is a JSON object', () => {
    holds(
      fc.property(fc.oneof(textOf(jsonPieces), fc.json(), fc.string()), (text) => {
        const problem = resultJsonProblem(text);
        let value: unknown;
        let parsed = true;
        try {
          value = JSON.parse(text);
        } catch {
          parsed = false;
        }
        const isObject = parsed && value !== null && typeof value === 'object' && !Array.isArray(value);
        expect(problem === undefined).toBe(isObject);
        if (problem !== undefined) expect(typeof problem).toBe('string');
      }),
    );
  });
});
