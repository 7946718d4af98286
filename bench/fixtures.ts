// bench/fixtures: writing a synthetic mercure case (500 CT slices of 512x512, 16-bit: the DICOM
// files, their .tags sidecars and task.json) against a plain pydicom script writing the same
// series (DICOM files only: the alternative a module author would write by hand). Runs alternate;
// each run writes into a fresh temp folder that is removed afterwards.
// Run: `npx tsx bench/fixtures.ts` (after scripts/setup.sh, which installs python3-pydicom).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSyntheticSeries, writeInputFolder } from '../src/mercure/index.js';
import { sideBySide } from './lib.js';

const slices = Number(process.env.BENCH_SLICES ?? 500);
const matrix = Number(process.env.BENCH_MATRIX ?? 512);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const now = new Date('2025-01-01T00:00:00Z');

// The same phantom, tags and layout as src/mercure/synthetic.ts, vectorised with numpy.
const PYDICOM_WRITER = `
import sys, numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
out, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
yy, xx = np.mgrid[0:size, 0:size]
c = (size - 1) / 2
body = ((xx - c) / (size * 0.42)) ** 2 + ((yy - c) / (size * 0.34)) ** 2 < 1
bands = 1064 + ((yy >> 3) & 3) * 10
study, series, frame = generate_uid(), generate_uid(), generate_uid()
for i in range(n):
    dz = (i - (n - 1) / 2) / ((n - 1) * 0.35)
    r = size * 0.2 * np.sqrt(max(0.0, 1 - dz * dz))
    img = np.where(body, bands, 24).astype(np.int16)
    img[(xx - c) ** 2 + (yy - c) ** 2 < r * r] = 1724
    sop = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SpecificCharacterSet = 'ISO_IR 192'
    ds.ImageType = ['ORIGINAL', 'PRIMARY', 'AXIAL']
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, sop
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = '20250101'
    ds.StudyTime = ds.SeriesTime = ds.AcquisitionTime = ds.ContentTime = '000000'
    ds.AccessionNumber, ds.Modality, ds.Manufacturer = 'ACC0001', 'CT', 'pydicom'
    ds.StudyDescription, ds.SeriesDescription = 'SYNTHETIC PHANTOM', 'CT PHANTOM AXIAL'
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = 'SYNTHETIC^PHANTOM', 'MMK0001', '19700101', 'O'
    ds.SliceThickness = ds.SpacingBetweenSlices = '1.25'
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
    ds.StudyID, ds.SeriesNumber, ds.AcquisitionNumber, ds.InstanceNumber = '1', '1', '1', str(i + 1)
    z = (i - (n - 1) / 2) * 1.25
    ds.ImagePositionPatient = [-125, -125, z]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceLocation = z
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
    ds.Rows = ds.Columns = size
    ds.PixelSpacing = [250 / size, 250 / size]
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = '-1024', '1', 'HU'
    ds.PixelData = img.tobytes()
    ds.save_as(f'{out}/CT.X.{sop}.dcm', write_like_original=False)
`;

function pydicomPython() {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error('no python3 with pydicom and numpy: run bash scripts/setup.sh');
}

const python = pydicomPython();
const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-fixtures-'));
let run = 0;
try {
  const ours = async () => {
    const dir = path.join(work, `ours-${++run}`);
    const ct = createSyntheticSeries({ modality: 'CT', now, slices, rows: matrix, seed: 'bench' });
    await writeInputFolder({ dir, level: 'series', series: [ct], moduleName: 'bench', dockerTag: 'bench:latest', now });
    await rm(dir, { recursive: true, force: true });
  };
  const theirs = async () => {
    const dir = await mkdtemp(path.join(work, 'pydicom-'));
    execFileSync(python, ['-c', PYDICOM_WRITER, dir, String(slices), String(matrix)], { stdio: 'inherit' });
    await rm(dir, { recursive: true, force: true });
  };
  const result = await sideBySide(
    `synthetic CT case, ${slices} slices of ${matrix}x${matrix} (16-bit), ${runs} runs each`,
    {
      ours,
      theirs,
      runs,
      oursName: 'writeInputFolder (.dcm+.tags+task)',
      theirsName: 'pydicom script (.dcm only)',
    },
  );
  console.log(
    `  slices per second: ours ${(slices / result.ours).toFixed(0)}, pydicom ${(slices / result.theirs).toFixed(0)}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
