// Every variant of the matrix is written as a mercure input folder and checked as one: every file
// parses (dcmjs and, independently, pydicom), sidecars and task.json are there, the series or study
// structure is right, and each variant holds the DICOM property it is named after.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicom } from '../../../src/mercure/dicom.js';
import { readInputFolder, type InputListing } from '../../../src/mercure/input-listing.js';
import {
  VARIANTS,
  findSamples,
  folderTraits,
  variantsOf,
  writeVariant,
  type FolderTraits,
  type VariantContext,
} from '../../../src/mercure/variants/index.js';
import { runCli } from '../../cli/run-cli.js';
import { runPython } from '../python.js';

const NOW = new Date('2025-06-07T08:09:10Z');
let root: string;
let ctx: VariantContext;
const listings = new Map<string, InputListing>();
const traits = new Map<string, FolderTraits>();

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-variants-test-'));
  ctx = { samples: await findSamples(), now: NOW, longSeriesSlices: 40 };
  for (const variant of VARIANTS) {
    const dir = path.join(root, variant.name);
    await writeVariant(
      variant,
      { dir, moduleName: 'blur', dockerTag: 'acme/blur:1', settings: { radius: 2 }, now: NOW, taskId: 'task-0001' },
      ctx,
    );
    listings.set(variant.name, await readInputFolder(dir));
    traits.set(variant.name, await folderTraits(dir));
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const listing = (name: string): InputListing => listings.get(name) as InputListing;
const T = { implicit: '1.2.840.10008.1.2', explicit: '1.2.840.10008.1.2.1', bigEndian: '1.2.840.10008.1.2.2' };

describe('the registry', () => {
  it('has unique names, a description and what each exercises, and a quick tier of six', () => {
    expect(new Set(VARIANTS.map((v) => v.name)).size).toBe(VARIANTS.length);
    for (const v of VARIANTS) expect(v.description.length * v.exercises.length, v.name).toBeGreaterThan(0);
    expect(variantsOf('quick').map((v) => v.name)).toEqual([
      'missing-series-description',
      'big-endian',
      'compressed-jpeg2000',
      'multiframe-enhanced-ct',
      'rgb',
      'study-mixed',
    ]);
    expect(variantsOf('full')).toHaveLength(VARIANTS.length);
  });

  it('builds from real files first: synthetic only where pydicom ships no file', () => {
    const synthetic = VARIANTS.filter((v) => v.source === 'synthetic').map((v) => v.name);
    expect(synthetic.sort()).toEqual([
      'long-series',
      'multiframe-enhanced-ct',
      'odd-matrix',
      'pixels-12bit-signed',
      'pixels-16bit-unsigned',
      'pixels-8bit-signed',
      'pixels-8bit-unsigned',
    ]);
  });
});

describe.each(VARIANTS.map((v) => [v.name, v] as const))('variant %s', (name, variant) => {
  it('is a complete mercure input folder: readable .dcm files, a .tags sidecar each, task.json', () => {
    const l = listing(name);
    expect(l.problems).toEqual([]);
    expect(l.files.length).toBeGreaterThan(0);
    for (const file of l.files) expect(file.tags?.['SOPInstanceUID'], file.name).toBe(file.sopInstanceUid);
    expect(new Set(l.files.map((f) => f.sopInstanceUid)).size).toBe(l.files.length);
  });

  it('has every file parse whole with dcmjs', async () => {
    for (const file of listing(name).files) {
      const parsed = readDicom(new Uint8Array(await readFile(path.join(root, name, file.name))));
      expect(parsed.dataset['SOPInstanceUID'], file.name).toBe(file.sopInstanceUid);
    }
  });

  it(`has the structure of a ${variant.level}-level case`, () => {
    const l = listing(name);
    const task = l.task as { info: { uid: string; uid_type: string }; study: { received_series_uid?: string[] } };
    const series = [...new Set(l.files.map((f) => f.seriesInstanceUid))];
    const studies = new Set(l.files.map((f) => f.header['StudyInstanceUID']));
    expect(studies.size).toBe(1);
    expect(task.info.uid_type).toBe(variant.level);
    if (variant.level === 'series') {
      expect(series).toHaveLength(1);
      expect(task.info.uid).toBe(series[0]);
      expect(task.study).toEqual({});
    } else {
      expect(series.length).toBeGreaterThanOrEqual(2);
      expect(task.info.uid).toBe([...studies][0]);
      expect([...(task.study.received_series_uid ?? [])].sort()).toEqual([...series].sort());
    }
  });

  it('lacks a SeriesDescription only if it is meant to', () => {
    const descriptions = listing(name).files.map((f) => f.header['SeriesDescription']);
    if (name === 'missing-series-description') expect(descriptions.every((d) => d === undefined)).toBe(true);
    else if (name === 'empty-values') expect(descriptions.every((d) => d === '')).toBe(true);
    else
      expect(
        descriptions.every((d) => d !== undefined && d.trim() !== ''),
        String(descriptions),
      ).toBe(true);
  });
});

/** What each variant must hold, by what its files say (named rows, as in docker/metadata-action's tests). */
const PROPERTIES: [name: string, expected: Partial<FolderTraits>, extra?: (l: InputListing) => void][] = [
  [
    'pixels-16bit-signed',
    { modalities: ['CT'], transferSyntaxes: [T.explicit], multiframe: false, color: false, nonImage: false },
  ],
  ['big-endian', { transferSyntaxes: [T.bigEndian] }],
  ['implicit-vr', { transferSyntaxes: [T.implicit] }],
  ['compressed-rle', { transferSyntaxes: ['1.2.840.10008.1.2.5'] }],
  ['compressed-jpeg-ls', { transferSyntaxes: ['1.2.840.10008.1.2.4.80'] }],
  ['compressed-jpeg2000', { transferSyntaxes: ['1.2.840.10008.1.2.4.91'], modalities: ['CT'] }],
  ['compressed-jpeg2000-lossless', { transferSyntaxes: ['1.2.840.10008.1.2.4.90'] }],
  ['compressed-jpeg-lossy', { transferSyntaxes: ['1.2.840.10008.1.2.4.51'] }],
  ['compressed-jpeg-baseline', { transferSyntaxes: ['1.2.840.10008.1.2.4.50'], color: true }],
  ['compressed-jpeg-lossless', { transferSyntaxes: ['1.2.840.10008.1.2.4.70'], color: true }],
  [
    'multiframe-enhanced-ct',
    { multiframe: true, modalities: ['CT'] },
    (l) => expect(l.files[0]?.header['SOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.2.1'),
  ],
  ['multiframe-rgb-rle', { multiframe: true, color: true }],
  ['rgb', { color: true, multiframe: false }],
  ['ybr-full-422', { color: true }],
  ['study-mixed', { modalities: ['CR', 'CT', 'MR', 'SR'], nonImage: true }],
  ['study-rt', { modalities: ['CT', 'RTDOSE', 'RTPLAN', 'RTSTRUCT'], nonImage: true, multiframe: true }],
  ['non-image-sr', { modalities: ['SR'], nonImage: true }],
  ['one-slice', {}, (l) => expect(l.files).toHaveLength(1)],
  ['long-series', {}, (l) => expect(l.files).toHaveLength(40)],
  ['odd-matrix', {}, (l) => expect([l.files[0]?.header['Rows'], l.files[0]?.header['Columns']]).toEqual(['67', '131'])],
  [
    'missing-series-number',
    {},
    (l) =>
      expect(l.files.every((f) => f.header['SeriesNumber'] === undefined && f.tags?.['SeriesNumber'] === '')).toBe(
        true,
      ),
  ],
  [
    'missing-slice-thickness',
    {},
    (l) => expect(l.files.every((f) => f.header['SliceThickness'] === undefined)).toBe(true),
  ],
  [
    'missing-patient-data',
    {},
    (l) =>
      expect(l.files.every((f) => f.header['PatientName'] === undefined && f.header['PatientID'] === undefined)).toBe(
        true,
      ),
  ],
  [
    'missing-series-description',
    {},
    (l) => expect(l.files.every((f) => f.tags?.['SeriesDescription'] === '')).toBe(true),
  ],
  [
    'non-ascii-latin1',
    {},
    (l) =>
      expect([l.files[0]?.tags?.['PatientName'], l.files[0]?.tags?.['SpecificCharacterSet']]).toEqual([
        'Äneas^Rüdiger',
        'ISO_IR 100',
      ]),
  ],
  ['non-ascii-utf8', {}, (l) => expect(l.files[0]?.tags?.['SeriesDescription']).toBe('头颅 平扫')],
  ['non-ascii-cyrillic', {}, (l) => expect(l.files[0]?.tags?.['SpecificCharacterSet']).toBe('ISO_IR 144')],
];

describe('what each variant holds', () => {
  it.each(PROPERTIES)('%s', (name, expected, extra) => {
    expect(traits.get(name)).toMatchObject(expected);
    extra?.(listing(name));
  });

  it('holds the pixel format it is named after (read by pydicom)', () => {
    const dirs = [
      'pixels-8bit-unsigned',
      'pixels-8bit-signed',
      'pixels-12bit-unsigned',
      'pixels-12bit-signed',
      'pixels-16bit-unsigned',
      'pixels-16bit-signed',
    ];
    const out = runPython(
      `import glob, json, sys, pydicom
res = {}
for d in sys.argv[2:]:
    ds = pydicom.dcmread(sorted(glob.glob(sys.argv[1] + "/" + d + "/*.dcm"))[0])
    a = ds.pixel_array
    res[d] = [ds.BitsAllocated, ds.BitsStored, ds.PixelRepresentation, str(a.dtype), int(a.min()) < int(a.max())]
print(json.dumps(res))`,
      [root, ...dirs],
    );
    expect(JSON.parse(out)).toEqual({
      'pixels-8bit-unsigned': [8, 8, 0, 'uint8', true],
      'pixels-8bit-signed': [8, 8, 1, 'int8', true],
      'pixels-12bit-unsigned': [16, 12, 0, 'uint16', true],
      'pixels-12bit-signed': [16, 12, 1, 'int16', true],
      'pixels-16bit-unsigned': [16, 16, 0, 'uint16', true],
      'pixels-16bit-signed': [16, 16, 1, 'int16', true],
    });
  });

  it('has every file of every variant read whole by pydicom, the independent reader', () => {
    const out = runPython(
      `import glob, json, sys, pydicom
bad = []
for f in sorted(glob.glob(sys.argv[1] + "/*/*.dcm")):
    try:
        ds = pydicom.dcmread(f)
        ds.decode()
        ds.walk(lambda d, e: e.value)
    except Exception as error:
        bad.append(f"{f}: {error}")
print(json.dumps(bad))`,
      [root],
    );
    expect(JSON.parse(out)).toEqual([]);
  });
});

describe('fixtures --variant', () => {
  it('writes one variant for reproducing a failure by hand, and lists them all', async () => {
    const out = path.join(root, 'by-hand');
    const written = await runCli(['fixtures', out, '--variant', 'missing-series-description', '--json']);
    expect(written.code).toBe(0);
    expect(JSON.parse(written.stdout)).toMatchObject({ variant: 'missing-series-description', files: 5 });
    expect((await readInputFolder(out)).problems).toEqual([]);
    const list = await runCli(['fixtures', '--list-variants', '--json']);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((v) => v.name)).toEqual(VARIANTS.map((v) => v.name));
    const unknown = await runCli(['fixtures', path.join(root, 'x'), '--variant', 'no-such-variant']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no variant "no-such-variant"');
  });
});
