import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDicomHeader, readDicom } from '../../src/mercure/dicom.js';
import { createSyntheticSeries, SOP_CLASS } from '../../src/mercure/synthetic.js';
import { isValidUid } from '../../src/mercure/uid.js';
import { runPython } from './python.js';

const NOW = new Date('2025-06-07T08:09:10Z');

describe('createSyntheticSeries parsed back with dcmjs', () => {
  const ct = createSyntheticSeries({ modality: 'CT', now: NOW, slices: 8, rows: 32, columns: 48, seed: 'unit' });
  const files = [...ct].map((bytes) => readDicom(bytes));

  it('writes one valid Part 10 file per slice with the geometry asked for', () => {
    expect(files).toHaveLength(8);
    for (const [i, f] of files.entries()) {
      expect(f.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
      expect(f.dataset).toMatchObject({
        Rows: 32,
        Columns: 48,
        BitsAllocated: 16,
        PixelRepresentation: 1,
        InstanceNumber: i + 1,
        Modality: 'CT',
      });
      expect((f.dataset['PixelData'] as ArrayBuffer[])[0]?.byteLength).toBe(32 * 48 * 2);
      expect(f.meta['MediaStorageSOPInstanceUID']).toBe(f.dataset['SOPInstanceUID']);
      expect(f.meta['MediaStorageSOPClassUID']).toBe(SOP_CLASS.CT);
    }
  });

  it('steps ImagePositionPatient and SliceLocation by the slice thickness', () => {
    const z = files.map((f) => (f.dataset['ImagePositionPatient'] as number[])[2]);
    const location = files.map((f) => f.dataset['SliceLocation']);
    expect(z).toEqual(location);
    for (let i = 1; i < z.length; i++) expect((z[i] as number) - (z[i - 1] as number)).toBeCloseTo(1.25, 6);
  });

  it('gives valid, distinct 2.25 UIDs that share study and series', () => {
    const sops = files.map((f) => f.dataset['SOPInstanceUID'] as string);
    expect(new Set(sops).size).toBe(8);
    for (const uid of [...sops, ct.seriesInstanceUid, ct.studyInstanceUid]) {
      expect(isValidUid(uid), uid).toBe(true);
      expect(uid.startsWith('2.25.')).toBe(true);
    }
    expect(new Set(files.map((f) => f.dataset['SeriesInstanceUID']))).toEqual(new Set([ct.seriesInstanceUid]));
    expect(new Set(files.map((f) => f.dataset['StudyInstanceUID']))).toEqual(new Set([ct.studyInstanceUid]));
    expect(sops[3]).toBe(ct.sopInstanceUid(3));
  });
});

describe('UIDs and reproducibility', () => {
  it('writes identical bytes for the same seed and options', () => {
    const a = createSyntheticSeries({ modality: 'MR', now: NOW, slices: 3, rows: 16, seed: 's1' });
    const b = createSyntheticSeries({ modality: 'MR', now: NOW, slices: 3, rows: 16, seed: 's1' });
    expect(Buffer.from(a.slice(2)).equals(Buffer.from(b.slice(2)))).toBe(true);
  });

  it('puts CT and MR of one seed in one study, as different series', () => {
    const ct = createSyntheticSeries({ modality: 'CT', now: NOW, seed: 'study' });
    const mr = createSyntheticSeries({ modality: 'MR', now: NOW, seed: 'study' });
    expect(ct.studyInstanceUid).toBe(mr.studyInstanceUid);
    expect(ct.seriesInstanceUid).not.toBe(mr.seriesInstanceUid);
  });

  it('makes new UIDs without a seed, and honours a given StudyInstanceUID', () => {
    const a = createSyntheticSeries({ modality: 'CT', now: NOW });
    const b = createSyntheticSeries({ modality: 'CT', now: NOW, studyInstanceUid: '1.2.3.4' });
    expect(a.seriesInstanceUid).not.toBe(b.seriesInstanceUid);
    expect(b.studyInstanceUid).toBe('1.2.3.4');
    expect(parseDicomHeader(b.slice(0))['StudyInstanceUID']).toBe('1.2.3.4');
  });

  it.each([
    ['zero slices', { slices: 0 }, 'synthetic slices must be an integer'],
    ['fractional rows', { rows: 10.5 }, 'synthetic rows must be an integer'],
  ])('refuses %s', (_name, bad, message) => {
    expect(() => createSyntheticSeries({ modality: 'CT', now: NOW, ...bad })).toThrow(message);
  });

  it('refuses a slice index outside the series', () => {
    const s = createSyntheticSeries({ modality: 'CT', now: NOW, slices: 2, rows: 8 });
    expect(() => s.slice(2)).toThrow('slice 2 is outside 0..1');
  });
});

describe('synthetic series read by pydicom', () => {
  let dir: string;
  const pydicomSummary = (folder: string): Record<string, unknown> =>
    JSON.parse(
      runPython(
        `
import json, sys, glob, pydicom, numpy as np
from pydicom.pixel_data_handlers.util import apply_modality_lut
ds = [pydicom.dcmread(f) for f in glob.glob(sys.argv[1] + '/*.dcm')]
ds.sort(key=lambda d: int(d.InstanceNumber))
vol = np.stack([apply_modality_lut(d.pixel_array, d) for d in ds])
raw = np.stack([d.pixel_array for d in ds])
mid = vol[len(ds) // 2]
print(json.dumps({
  'slices': len(ds), 'shape': list(raw.shape), 'dtype': str(raw.dtype),
  'instances': [int(d.InstanceNumber) for d in ds],
  'z': [float(d.ImagePositionPatient[2]) for d in ds],
  'values_mid': sorted(set(float(v) for v in np.unique(mid))),
  'values_first': sorted(set(float(v) for v in np.unique(vol[0]))),
  'patient': str(ds[0].PatientName), 'modality': ds[0].Modality,
  'series': sorted(set(d.SeriesInstanceUID for d in ds)),
}))`,
        [folder],
      ),
    ) as Record<string, unknown>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-synthetic-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a CT volume as int16 in HU, in InstanceNumber order, with a sphere in the middle slices', async () => {
    const ct = createSyntheticSeries({
      modality: 'CT',
      now: NOW,
      slices: 12,
      rows: 40,
      columns: 56,
      seed: 'py',
      patientName: 'Müller^Jörg',
    });
    const folder = path.join(dir, 'ct');
    await mkdir(folder);
    // Written in reverse so that order can only come from the tags.
    for (let i = ct.slices - 1; i >= 0; i--) await writeFile(path.join(folder, `f${ct.slices - i}.dcm`), ct.slice(i));
    const summary = pydicomSummary(folder);
    expect(summary).toMatchObject({
      slices: 12,
      shape: [12, 40, 56],
      dtype: 'int16',
      modality: 'CT',
      patient: 'Müller^Jörg',
      series: [ct.seriesInstanceUid],
    });
    expect(summary['instances']).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const z = summary['z'] as number[];
    expect(z.every((v, i) => i === 0 || v > (z[i - 1] as number))).toBe(true);
    expect(summary['values_mid']).toEqual([-1000, 40, 50, 60, 70, 700]);
    expect(summary['values_first']).not.toContain(700);
  });

  it('reads an MR volume as uint16', async () => {
    const mr = createSyntheticSeries({ modality: 'MR', now: NOW, slices: 5, rows: 40, seed: 'py' });
    const folder = path.join(dir, 'mr');
    await mkdir(folder);
    for (const [i, bytes] of [...mr].entries()) await writeFile(path.join(folder, `${i}.dcm`), bytes);
    const summary = pydicomSummary(folder);
    expect(summary).toMatchObject({ slices: 5, shape: [5, 40, 40], dtype: 'uint16', modality: 'MR' });
    expect(summary['values_mid']).toEqual([0, 300, 310, 320, 330, 900]);
  });
});

describe('speed', () => {
  it('makes 200 slices of 512x512 in well under 10 seconds', () => {
    const start = performance.now();
    let bytes = 0;
    for (const slice of createSyntheticSeries({ modality: 'CT', now: NOW, slices: 200, rows: 512 }))
      bytes += slice.byteLength;
    expect(bytes).toBeGreaterThan(200 * 512 * 512 * 2);
    expect(performance.now() - start).toBeLessThan(10_000);
  });
});
