import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { readInputFolder } from '../../src/mercure/input-listing.js';
import { inputFileName, writeInputFolder, type InputFolderOptions } from '../../src/mercure/input-folder.js';
import { createSyntheticSeries } from '../../src/mercure/synthetic.js';
import { parseTagsFile } from '../../src/mercure/tags-file.js';
import { serializeTask } from '../../src/mercure/task.js';
import { runPython } from './python.js';

const NOW = new Date('2025-06-07T08:09:10Z');
let root: string;
let count = 0;
const freshDir = (): string => path.join(root, `case-${++count}`);

const base = (dir: string): Omit<InputFolderOptions, 'series' | 'level'> => ({
  dir,
  moduleName: 'blur',
  dockerTag: 'acme/blur:1',
  settings: { radius: 2 },
  moduleSettings: { radius: 1, mode: 'fast' },
  now: NOW,
  taskId: 'task-0001',
});

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-input-folder-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function expectModuleError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModuleError);
  expect((error as ModuleError).code).toBe(code);
  expect((error as ModuleError).message).toMatch(message);
}

describe('writeInputFolder at series level', () => {
  const ct = createSyntheticSeries({
    modality: 'CT',
    now: NOW,
    slices: 6,
    rows: 32,
    seed: 'series-case',
    patientName: 'Ünal^Ayşe',
  });
  let dir: string;
  let result: Awaited<ReturnType<typeof writeInputFolder>>;

  beforeAll(async () => {
    dir = freshDir();
    result = await writeInputFolder({
      ...base(dir),
      level: 'series',
      series: [ct],
      extraTags: ['PatientPosition', '0018,0088'],
    });
  });

  it('names every file <SeriesInstanceUID>#CT.X.<SOPInstanceUID>.dcm with a .tags sidecar, plus task.json', async () => {
    const names = (await readdir(dir)).sort();
    const expected = Array.from({ length: 6 }, (_, i) => {
      const stem = `${ct.seriesInstanceUid}#CT.X.${ct.sopInstanceUid(i)}`;
      return [`${stem}.dcm`, `${stem}.tags`];
    }).flat();
    expect(names).toEqual([...expected, 'task.json'].sort());
    expect(result.files.map((f) => f.name)).toEqual(
      Array.from({ length: 6 }, (_, i) => inputFileName(ct.seriesInstanceUid, 'CT', ct.sopInstanceUid(i))),
    );
  });

  it('writes .tags files from the DICOM values, with extra tags and the storescp Filename', async () => {
    const first = result.files[0];
    const tags = parseTagsFile(await readFile(path.join(dir, first?.tagsName ?? ''), 'utf8'));
    expect(tags).toMatchObject({
      SpecificCharacterSet: 'ISO_IR 192',
      SeriesInstanceUID: ct.seriesInstanceUid,
      SOPInstanceUID: ct.sopInstanceUid(0),
      SenderAddress: '127.0.0.1',
      SenderAET: 'MODALITY1',
      ReceiverAET: 'MERCURE',
      Modality: 'CT',
      PatientName: 'Ünal^Ayşe',
      ImageType: 'ORIGINAL\\PRIMARY\\AXIAL',
      InstanceNumber: '1',
      MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      PatientPosition: 'HFS',
      SpacingBetweenSlices: '1.25',
      Filename: `CT.X.${ct.sopInstanceUid(0)}`,
    });
    expect(Object.keys(tags).slice(-3)).toEqual(['PatientPosition', 'SpacingBetweenSlices', 'Filename']);
  });

  it('writes task.json as mercure does for a series-level process rule', async () => {
    const text = await readFile(path.join(dir, 'task.json'), 'utf8');
    expect(text).toBe(serializeTask(result.task));
    const task = JSON.parse(text) as typeof result.task;
    expect(task.id).toBe('task-0001');
    expect(task.info).toMatchObject({
      uid: ct.seriesInstanceUid,
      uid_type: 'series',
      patient_name: 'Ünal^Ayşe',
      mrn: 'MMK0001',
      acc: 'ACC0001',
      applied_rule: 'blur_rule',
    });
    expect(task.process.settings).toEqual({ radius: 2, mode: 'fast' });
    expect(task.study).toEqual({});
  });

  it('reads back with no problems, in InstanceNumber order, tags and task included', async () => {
    const listing = await readInputFolder(dir);
    expect(listing.problems).toEqual([]);
    expect(listing.files.map((f) => f.instanceNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(listing.files.every((f) => f.tags?.['SeriesInstanceUID'] === ct.seriesInstanceUid)).toBe(true);
    expect(listing.task).toEqual(JSON.parse(serializeTask(result.task)));
    expect(listing.other).toEqual([]);
  });

  it('is what a Python module reading the folder expects', () => {
    const out = runPython(
      `
import json, sys, glob, os, pydicom
d = sys.argv[1]
task = json.load(open(os.path.join(d, 'task.json')))
files = sorted(glob.glob(os.path.join(d, '*.dcm')))
ds = sorted((pydicom.dcmread(f) for f in files), key=lambda x: int(x.InstanceNumber))
tags = [json.load(open(f[:-4] + '.tags')) for f in files]
print(json.dumps({'settings': task['process']['settings'], 'n': len(ds), 'shape': list(ds[0].pixel_array.shape),
  'prefix_ok': all(os.path.basename(f).startswith(x.SeriesInstanceUID + '#') for f, x in zip(files, (pydicom.dcmread(f, stop_before_pixels=True) for f in files))),
  'tags_series': sorted(set(t['SeriesInstanceUID'] for t in tags))}))`,
      [dir],
    );
    expect(JSON.parse(out)).toEqual({
      settings: { radius: 2, mode: 'fast' },
      n: 6,
      shape: [32, 32],
      prefix_ok: true,
      tags_series: [ct.seriesInstanceUid],
    });
  });
});

describe('writeInputFolder at study level', () => {
  it('puts CT and MR of one study in one folder, with the study in task.json', async () => {
    const ct = createSyntheticSeries({ modality: 'CT', now: NOW, slices: 3, rows: 16, seed: 'study-case' });
    const mr = createSyntheticSeries({ modality: 'MR', now: NOW, slices: 4, rows: 16, seed: 'study-case' });
    const dir = freshDir();
    const result = await writeInputFolder({ ...base(dir), level: 'study', series: [ct, mr] });
    expect(result.series).toEqual([
      { seriesInstanceUid: ct.seriesInstanceUid, modality: 'CT', seriesDescription: 'CT PHANTOM AXIAL', files: 3 },
      { seriesInstanceUid: mr.seriesInstanceUid, modality: 'MR', seriesDescription: 'MR PHANTOM T1 AXIAL', files: 4 },
    ]);
    expect(result.task.info).toMatchObject({ uid: ct.studyInstanceUid, uid_type: 'study' });
    expect(result.task.study).toMatchObject({
      study_uid: ct.studyInstanceUid,
      received_series: ['CT PHANTOM AXIAL', 'MR PHANTOM T1 AXIAL'],
      received_series_uid: [ct.seriesInstanceUid, mr.seriesInstanceUid],
      creation_time: '2025-06-07 08:09:10',
    });
    const listing = await readInputFolder(dir);
    expect(listing.problems).toEqual([]);
    expect(listing.files.filter((f) => f.name.includes('#MR.X.'))).toHaveLength(4);
    expect(listing.files.filter((f) => f.name.includes('#CT.X.'))).toHaveLength(3);
  });
});

describe('writeInputFolder refuses', () => {
  const ct = createSyntheticSeries({ modality: 'CT', now: NOW, slices: 2, rows: 8, seed: 'errors' });
  const mr = createSyntheticSeries({ modality: 'MR', now: NOW, slices: 2, rows: 8, seed: 'errors' });

  it('two series at series level', async () => {
    await expectModuleError(
      writeInputFolder({ ...base(freshDir()), level: 'series', series: [ct, mr] }),
      'input-series-count',
      /exactly one series, but 2 were given/,
    );
  });

  it('one source that mixes two series at series level', async () => {
    const mixed = [ct.slice(0), mr.slice(0)];
    await expectModuleError(
      writeInputFolder({ ...base(freshDir()), level: 'series', series: [mixed] }),
      'input-series-count',
      /holds only/,
    );
  });

  it('series of two studies at study level', async () => {
    const other = createSyntheticSeries({ modality: 'MR', now: NOW, slices: 1, rows: 8, seed: 'another-study' });
    await expectModuleError(
      writeInputFolder({ ...base(freshDir()), level: 'study', series: [ct, other] }),
      'input-mixed-studies',
      /2 studies/,
    );
  });

  it('no files at all', async () => {
    await expectModuleError(
      writeInputFolder({ ...base(freshDir()), level: 'study', series: [] }),
      'input-no-dicom',
      /no DICOM files/,
    );
  });

  it('the same instance twice', async () => {
    await expectModuleError(
      writeInputFolder({ ...base(freshDir()), level: 'series', series: [[ct.slice(0), ct.slice(0)]] }),
      'input-duplicate-instance',
      /appears twice/,
    );
  });

  it('a folder that is not empty', async () => {
    const dir = freshDir();
    await mkdir(dir);
    await writeFile(path.join(dir, 'old.txt'), 'x');
    await expectModuleError(
      writeInputFolder({ ...base(dir), level: 'series', series: [ct] }),
      'input-not-empty',
      /not empty \(1 entries, e.g. old.txt\)/,
    );
  });

  it('an unknown extra tag', async () => {
    await expect(
      writeInputFolder({ ...base(freshDir()), level: 'series', series: [ct], extraTags: ['NoSuchTag'] }),
    ).rejects.toThrow('unknown DICOM tag "NoSuchTag"');
  });
});
