import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DicomReadError,
  isDicomPart10,
  parseDicomHeader,
  reachesPixelData,
  readDicom,
  readDicomHeader,
  tagKeyOf,
  tagOf,
} from '../../src/mercure/dicom.js';
import { createSyntheticSeries } from '../../src/mercure/synthetic.js';
import { TAGS_FILE_DICOM_KEYWORDS } from '../../src/mercure/tags-file.js';
import { pydicomTestFiles, runPython } from './python.js';

const ROOT = pydicomTestFiles();

/**
 * pydicom's test files that are not DICOM Part 10 (no "DICM" after a preamble): mercure's receiver
 * never stores such files, so the import skips them.
 */
const NOT_PART10 = new Set([
  'ExplVR_BigEndNoMeta.dcm',
  'ExplVR_LitEndNoMeta.dcm',
  'no_meta.dcm',
  'rtstruct.dcm',
  'README.txt',
  'rtplan.dump',
  'rtstruct.dump',
  'test1.json',
  'test_PN.json',
  'zipMR.gz',
  'dicomdirtests/README.txt',
  'dicomdirtests/TINY_ALPHA/README',
]);

/** Part 10 files whose header dcmjs 0.49 cannot read, and the reason we report. */
const UNREADABLE: Record<string, RegExp> = {
  'meta_missing_tsyntax.dcm': /meta header has no TransferSyntaxUID/,
  // Truncated files: the data ends inside an element.
  'rtplan_truncated.dcm': /cannot parse DICOM/,
  'dicomdirtests/DICOMDIR-nooffset': /cannot parse DICOM/,
  // Implicit VR files with private or UN sequences dcmjs mis-sizes (dcmjs limits, not file errors).
  'UN_sequence.dcm': /cannot parse DICOM/,
  'nested_priv_SQ.dcm': /cannot parse DICOM/,
  // Implicit VR data under an explicit transfer syntax (JPEG baseline): read as explicit, its first
  // element claims 1.2 GB. dcmjs used to give one garbage element for the whole file; now the
  // length check names the overrun.
  'SC_rgb_jpeg.dcm': /element \(0008,0008\) UN declares 1,230,128,452 bytes, but only 4,096 remain/,
};

/** Files a mercure input can hold, covering every transfer syntax family; these must read. */
const MUST_READ = [
  'CT_small.dcm',
  'MR_small.dcm',
  'MR_small_implicit.dcm',
  'MR_small_bigendian.dcm',
  'MR_small_expb.dcm',
  'ExplVR_BigEnd.dcm',
  'MR_small_RLE.dcm',
  'MR_small_jp2klossless.dcm',
  'MR_small_jpeg_ls_lossless.dcm',
  'JPEG2000.dcm',
  'JPEG-lossy.dcm',
  'JPGExtended.dcm',
  'image_dfl.dcm',
  'liver_1frame.dcm',
  'rtdose.dcm',
  'rtplan.dcm',
  'SC_rgb_rle.dcm',
  'MR_truncated.dcm',
  // dcmjs refuses these in strict mode; we read them leniently as DCMTK does.
  'J2K_pixelrep_mismatch.dcm',
  'no_meta_group_length.dcm',
  'dicomdirtests/77654033/CT2/17106',
  'dicomdirtests/98892003/MR700/4467',
];

async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(dir, name)));
    else out.push(name);
  }
  return out.sort();
}

describe("reading pydicom's real test files", () => {
  const results = new Map<string, { ok: true; header: Record<string, string> } | { ok: false; error: unknown }>();

  beforeAll(async () => {
    for (const file of await walk(ROOT)) {
      try {
        results.set(file, { ok: true, header: await readDicomHeader(path.join(ROOT, file)) });
      } catch (error) {
        results.set(file, { ok: false, error });
      }
    }
  });

  it('covers the whole folder (75 entries at the top, the DICOMDIR tree below)', async () => {
    expect((await readdir(ROOT)).length).toBe(75);
    expect(results.size).toBeGreaterThan(140);
  });

  it('reads every Part 10 file except the known unreadable ones', () => {
    const failed = [...results]
      .filter(([, r]) => !r.ok)
      .map(([file]) => file)
      .filter((f) => !NOT_PART10.has(f));
    expect(failed.sort()).toEqual(Object.keys(UNREADABLE).sort());
    const read = [...results].filter(([, r]) => r.ok).length;
    expect(read).toBe(results.size - NOT_PART10.size - Object.keys(UNREADABLE).length);
  });

  it.each(MUST_READ)('reads %s', (file) => {
    const result = results.get(file);
    expect(result?.ok, String(result && !result.ok ? result.error : 'missing')).toBe(true);
  });

  it.each([...NOT_PART10])('rejects %s as not Part 10', (file) => {
    const result = results.get(file);
    expect(result?.ok).toBe(false);
    expect(result && !result.ok ? result.error : undefined).toBeInstanceOf(DicomReadError);
    expect(String(result && !result.ok ? result.error : '')).toMatch(/not a DICOM Part 10 file/);
  });

  it.each(Object.entries(UNREADABLE))('explains why %s cannot be read', (file, reason) => {
    const result = results.get(file);
    expect(result && !result.ok ? result.error : undefined).toBeInstanceOf(DicomReadError);
    expect(String(result && !result.ok ? result.error : '')).toMatch(reason);
  });

  it('gives header values as getdcmtags reads them (stored text, padding trimmed, values joined by "\\")', () => {
    const ct = results.get('CT_small.dcm');
    expect(ct?.ok).toBe(true);
    const header = ct?.ok ? ct.header : {};
    expect(header).toMatchObject({
      SpecificCharacterSet: 'ISO_IR 100',
      Modality: 'CT',
      PatientName: 'CompressedSamples^CT1',
      PatientSex: 'O',
      StudyDescription: 'e+1',
      SliceThickness: '5.000000',
      ImageType: 'ORIGINAL\\PRIMARY\\AXIAL',
      InstanceNumber: '1',
      MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      Rows: '128',
    });
    expect(header).not.toHaveProperty('DeviceUID');
  });

  it('reads the same header from every transfer syntax of MR_small', () => {
    const variants = [
      'MR_small_implicit.dcm',
      'MR_small_bigendian.dcm',
      'MR_small_expb.dcm',
      'MR_small_RLE.dcm',
      'MR_small_jp2klossless.dcm',
    ];
    const base = results.get('MR_small.dcm');
    const strip = (h: Record<string, string>): Record<string, string> => {
      const { TransferSyntaxUID: _ts, ...rest } = h;
      return rest;
    };
    for (const variant of variants) {
      const r = results.get(variant);
      expect(r?.ok && base?.ok ? strip(r.header) : undefined, variant).toEqual(
        base?.ok ? strip(base.header) : 'MR_small unreadable',
      );
    }
  });

  it('agrees with pydicom on the .tags values of real CT, MR, RT and compressed files', () => {
    const files = [
      'CT_small.dcm',
      'MR_small_bigendian.dcm',
      'JPEG2000.dcm',
      'rtdose.dcm',
      'liver_1frame.dcm',
      'dicomdirtests/77654033/CT2/17106',
      'dicomdirtests/98892003/MR700/4467',
    ];
    const keywords = TAGS_FILE_DICOM_KEYWORDS.filter(
      (k) => k !== 'MediaStorageSOPClassUID' && k !== 'SpecificCharacterSet',
    );
    const program = `
import json, sys, pydicom
from pydicom.multival import MultiValue
out = {}
for f in sys.argv[2:]:
    ds = pydicom.dcmread(sys.argv[1] + '/' + f, stop_before_pixels=True)
    values = {}
    for k in ${JSON.stringify(keywords)}:
        if k in ds:
            v = ds[k].value
            values[k] = '' if v is None else '\\\\'.join(str(x) for x in v) if isinstance(v, MultiValue) else str(v)
    out[f] = values
print(json.dumps(out))`;
    const expected = JSON.parse(runPython(program, [ROOT, ...files])) as Record<string, Record<string, string>>;
    for (const file of files) {
      const r = results.get(file);
      const ours = r?.ok ? Object.fromEntries(keywords.filter((k) => k in r.header).map((k) => [k, r.header[k]])) : {};
      expect(Object.keys(ours).length, file).toBeGreaterThan(10);
      expect(ours, file).toEqual(expected[file]);
    }
  });
});

describe('readDicom', () => {
  it('returns the naturalized dataset and meta of a real file', async () => {
    const file = readDicom(await readFile(path.join(ROOT, 'MR_small.dcm')));
    expect(file.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(file.dataset['Rows']).toBe(64);
    expect(file.dataset['Modality']).toBe('MR');
    expect((file.dataset['PixelData'] as ArrayBuffer[])[0]?.byteLength).toBe(64 * 64 * 2);
    expect(file.meta['MediaStorageSOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.4');
  });

  it.each([
    ['empty', new Uint8Array(0), /only 0 bytes/],
    ['JSON text', new TextEncoder().encode('{"a": 1}'.padEnd(300, ' ')), /no "DICM"/],
  ])('throws a DicomReadError for %s', (_name, bytes, message) => {
    expect(() => readDicom(bytes)).toThrow(DicomReadError);
    expect(() => readDicom(bytes)).toThrow(message);
  });

  it('throws a DicomReadError, not a crash, for a Part 10 file cut short', async () => {
    const bytes = await readFile(path.join(ROOT, 'CT_small.dcm'));
    expect(() => readDicom(bytes.subarray(0, 900))).toThrow(DicomReadError);
  });
});

describe('isDicomPart10', () => {
  const preamble = (magic: string): Uint8Array =>
    new Uint8Array([...new Uint8Array(128), ...new TextEncoder().encode(magic)]);
  it.each([
    ['p10-01 preamble + DICM', preamble('DICM'), true],
    ['p10-02 preamble + dicm (case matters)', preamble('dicm'), false],
    ['p10-03 131 bytes', preamble('DIC'), false],
    ['p10-04 empty', new Uint8Array(0), false],
    ['p10-05 DICM at offset 0', new TextEncoder().encode('DICM'.padEnd(200, 'x')), false],
  ])('%s', (_name, bytes, expected) => {
    expect(isDicomPart10(bytes)).toBe(expected);
  });
});

describe('tag names', () => {
  it.each([
    ['SeriesInstanceUID', '0020000E', 'SeriesInstanceUID'],
    ['0010,1010', '00101010', 'PatientAge'],
    ['(0010,1010)', '00101010', 'PatientAge'],
    ['0019,10A1', '001910A1', '(0019,10a1)'],
  ])('%s -> %s, .tags key %s', (spec, tag, key) => {
    expect(tagOf(spec)).toBe(tag);
    expect(tagKeyOf(spec)).toBe(key);
  });

  it('refuses an unknown keyword', () => {
    expect(tagOf('NoSuchTag')).toBeUndefined();
    expect(() => tagKeyOf('NoSuchTag')).toThrow('unknown DICOM tag "NoSuchTag"');
  });
});

describe('readDicomHeader on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-dicom-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a short non-DICOM file before reading it whole', async () => {
    await writeFile(path.join(dir, 'result.json'), '{}');
    await expect(readDicomHeader(path.join(dir, 'result.json'))).rejects.toThrow('only 2 bytes');
  });

  it('reads only the keywords asked for', async () => {
    const header = parseDicomHeader(await readFile(path.join(ROOT, 'CT_small.dcm')), [
      'Modality',
      'PatientAge',
      'NoSuchTag',
    ]);
    expect(header).toEqual({ Modality: 'CT', PatientAge: '000Y' });
  });
});

describe('reachesPixelData (header read from the first chunk only)', () => {
  const TEST_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
  it.each([
    ['CT_small.dcm', true],
    ['MR_small_bigendian.dcm', true],
    ['MR_small_implicit.dcm', true],
    ['MR_small_RLE.dcm', true],
  ])('%s: found in the whole file = %s, never in a chunk that stops before it', async (name, expected) => {
    const bytes = new Uint8Array(await readFile(path.join(TEST_FILES, name)));
    expect(reachesPixelData(bytes, bytes.length)).toBe(expected);
    expect(reachesPixelData(bytes.subarray(0, 600), bytes.length)).toBe(false);
  });

  it('gives the same header from a 64 KB chunk as from the whole file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-dicom-chunk-'));
    try {
      // Pad the pixel data so the file is larger than the first chunk readDicomHeader reads.
      const series = createSyntheticSeries({
        modality: 'CT',
        now: new Date('2026-01-01T00:00:00Z'),
        slices: 1,
        rows: 256,
        columns: 256,
        seed: 'chunk',
      });
      const slice = series.slice(0);
      expect(slice.length).toBeGreaterThan(64 * 1024);
      await writeFile(path.join(dir, 'big.dcm'), slice);
      expect(await readDicomHeader(path.join(dir, 'big.dcm'))).toEqual(parseDicomHeader(slice));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
