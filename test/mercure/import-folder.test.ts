import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { importDicomFolder, type ImportOptions } from '../../src/mercure/import-folder.js';
import { readInputFolder } from '../../src/mercure/input-listing.js';
import { pydicomTestFiles, runPython } from './python.js';

const NOW = new Date('2025-06-07T08:09:10Z');
const ROOT = pydicomTestFiles();
let work: string;
let count = 0;

/** A folder of the user's files: pydicom test files copied under the given relative names. */
async function userFolder(files: Record<string, string>): Promise<string> {
  const dir = path.join(work, `from-${++count}`);
  await mkdir(dir, { recursive: true });
  for (const [target, source] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, target)), { recursive: true });
    await copyFile(path.join(ROOT, source), path.join(dir, target));
  }
  return dir;
}

const options = (from: string, level: 'series' | 'study', extra: Partial<ImportOptions> = {}): ImportOptions => ({
  from,
  dir: path.join(work, `case-${++count}`),
  level,
  moduleName: 'blur',
  dockerTag: 'acme/blur:1',
  settings: { radius: 3 },
  now: NOW,
  ...extra,
});

const CT2 = ['17106', '17136', '17166', '17196'].map((f) => `dicomdirtests/77654033/CT2/${f}`);
const CT2N = ['6293', '6924'].map((f) => `dicomdirtests/98892001/CT2N/${f}`);
const CT5N = ['2062', '2392', '2693', '3023', '3353'].map((f) => `dicomdirtests/98892001/CT5N/${f}`);

async function expectModuleError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModuleError);
  expect((error as ModuleError).code).toBe(code);
  expect((error as ModuleError).message).toMatch(message);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-import-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('importDicomFolder', () => {
  it('turns a nested folder of real CT files into a series-level case, skipping what is not an image', async () => {
    const from = await userFolder({
      ...Object.fromEntries(CT2.map((f, i) => [`patient/study/series/IM${i}`, f])),
      'README.txt': 'README.txt',
      DICOMDIR: 'dicomdirtests/DICOMDIR',
    });
    const opts = options(from, 'series');
    const result = await importDicomFolder(opts);
    expect(result.skipped).toEqual([
      { file: 'DICOMDIR', reason: 'DICOM without SeriesInstanceUID (a DICOMDIR or similar)' },
      { file: 'README.txt', reason: 'not a DICOM Part 10 file' },
    ]);
    expect(result.series).toEqual([
      {
        seriesInstanceUid: expect.stringMatching(/^1\.3\.6\.1\.4\.1\.5962\./),
        modality: 'CT',
        seriesDescription: 'Routine Brain',
        files: 4,
      },
    ]);
    const series = result.series[0]?.seriesInstanceUid ?? '';
    expect(result.task.info).toMatchObject({ uid: series, uid_type: 'series', patient_name: 'Doe^Archibald' });

    const listing = await readInputFolder(opts.dir);
    expect(listing.problems).toEqual([]);
    expect(listing.files.map((f) => f.instanceNumber)).toEqual([18, 180, 181, 182]);
    expect(
      listing.files.every(
        (f) => f.name.startsWith(`${series}#CT.X.`) && f.tags?.['Filename'] === f.name.slice(series.length + 1, -4),
      ),
    ).toBe(true);
    // Copied byte for byte.
    const originals = await Promise.all(CT2.map((f) => readFile(path.join(ROOT, f))));
    const copies = await Promise.all(result.files.map((f) => readFile(path.join(opts.dir, f.name))));
    expect(copies.map((c) => c.toString('base64')).sort()).toEqual(originals.map((o) => o.toString('base64')).sort());
  });

  it('imports two series of one study at study level, readable by pydicom', async () => {
    const from = await userFolder(
      Object.fromEntries([...CT2N, ...CT5N].map((f) => [f.split('/').slice(-2).join('_'), f])),
    );
    const opts = options(from, 'study');
    const result = await importDicomFolder(opts);
    expect(result.series.map((s) => [s.seriesDescription, s.files]).sort()).toEqual([
      ['Scout', 2],
      ['SmartScore - Gated 0.5 sec', 5],
    ]);
    expect(result.task.info.uid_type).toBe('study');
    expect(result.task.study).toMatchObject({ received_series_uid: result.series.map((s) => s.seriesInstanceUid) });
    const out = runPython(
      `
import json, sys, glob, pydicom
ds = [pydicom.dcmread(f) for f in glob.glob(sys.argv[1] + '/*.dcm')]
print(json.dumps({'n': len(ds), 'studies': len(set(d.StudyInstanceUID for d in ds)), 'series': len(set(d.SeriesInstanceUID for d in ds)), 'rows': sorted(set(int(d.pixel_array.shape[0]) for d in ds))}))`,
      [opts.dir],
    );
    expect(JSON.parse(out)).toEqual({ n: 7, studies: 1, series: 2, rows: [16] });
  });

  it('takes the series chosen by SeriesInstanceUID', async () => {
    const from = await userFolder(
      Object.fromEntries([...CT2N, ...CT5N].map((f) => [f.split('/').slice(-2).join('_'), f])),
    );
    const probe = await importDicomFolder(options(from, 'study'));
    const smartScore = probe.series.find((s) => s.seriesDescription.startsWith('SmartScore'))?.seriesInstanceUid ?? '';
    const result = await importDicomFolder(options(from, 'series', { seriesInstanceUid: smartScore }));
    expect(result.files).toHaveLength(5);
    expect(result.task.info.uid).toBe(smartScore);
  });

  it('reads big endian and compressed files far enough to file them', async () => {
    const from = await userFolder({ 'a.dcm': 'MR_small_bigendian.dcm' });
    const opts = options(from, 'series');
    const result = await importDicomFolder(opts);
    expect(result.files[0]?.tags).toMatchObject({
      Modality: 'MR',
      PatientName: 'CompressedSamples^MR1',
      SliceThickness: '0.8000',
      ImageType: 'DERIVED\\SECONDARY\\OTHER',
    });
    const jp2k = await importDicomFolder(options(await userFolder({ 'b.dcm': 'MR_small_jp2klossless.dcm' }), 'series'));
    expect(jp2k.files[0]?.tags['MediaStorageSOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.4');
  });
});

describe('importDicomFolder refuses', () => {
  it('several series at series level, listing them', async () => {
    const from = await userFolder(
      Object.fromEntries([...CT2N, ...CT5N].map((f) => [f.split('/').slice(-2).join('_'), f])),
    );
    await expectModuleError(
      importDicomFolder(options(from, 'series')),
      'input-series-count',
      /holds 2 series, but a series-level case takes one: .*\(CT "Scout", 2 files\)/,
    );
  });

  it('a series that is not there', async () => {
    const from = await userFolder({ 'x.dcm': CT2[0] ?? '' });
    await expectModuleError(
      importDicomFolder(options(from, 'series', { seriesInstanceUid: '1.2.3' })),
      'input-series-not-found',
      /series 1\.2\.3 is not in/,
    );
  });

  it('two studies at study level, before writing anything', async () => {
    const from = await userFolder({ 'a/1': CT2[0] ?? '', 'b/1': CT5N[0] ?? '' });
    const opts = options(from, 'study');
    await expectModuleError(importDicomFolder(opts), 'input-mixed-studies', /holds 2 studies/);
    await expect(stat(opts.dir)).rejects.toThrow();
  });

  it('the same instance under two names (one file in two transfer syntaxes)', async () => {
    const from = await userFolder({ 'a.dcm': 'MR_small.dcm', 'b.dcm': 'MR_small_implicit.dcm' });
    await expectModuleError(importDicomFolder(options(from, 'series')), 'input-duplicate-instance', /appears twice/);
  });

  it('an empty folder', async () => {
    const from = path.join(work, 'empty');
    await mkdir(from);
    await expectModuleError(
      importDicomFolder(options(from, 'series')),
      'input-no-dicom',
      /no usable DICOM files in .*\(it is empty\)/,
    );
  });

  it('a folder without DICOM files, naming what it skipped', async () => {
    const from = await userFolder({ 'README.txt': 'README.txt', 'nometa.dcm': 'no_meta.dcm' });
    await writeFile(path.join(from, 'notes.md'), '# notes');
    await expectModuleError(
      importDicomFolder(options(from, 'study')),
      'input-no-dicom',
      /skipped 3 file\(s\): README.txt \(not a DICOM Part 10 file\); nometa.dcm \(not a DICOM Part 10 file\); notes.md/,
    );
  });

  it('a folder that does not exist', async () => {
    await expectModuleError(
      importDicomFolder(options(path.join(work, 'nope'), 'series')),
      'no-such-folder',
      /is not a folder/,
    );
  });
});

describe('what the import leaves', () => {
  it('writes nothing but .dcm, .tags and task.json', async () => {
    const from = await userFolder({ x: CT2[1] ?? '' });
    const opts = options(from, 'series');
    await importDicomFolder(opts);
    const names = await readdir(opts.dir);
    expect(names.filter((n) => !/\.(dcm|tags)$/.test(n))).toEqual(['task.json']);
    expect(names).toHaveLength(3);
  });
});
