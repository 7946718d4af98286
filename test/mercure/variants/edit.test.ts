// Byte-level edits of real files: the edited element changes, nothing else does, in every encoding
// the variants use (explicit and implicit little endian, big endian, encapsulated pixel data).
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDicomHeader, readDicom } from '../../../src/mercure/dicom.js';
import { asPart10, replicate } from '../../../src/mercure/variants/derive.js';
import { editDicom, findSamples, userVariants, type SampleSource } from '../../../src/mercure/variants/index.js';
import { ModuleError } from '../../../src/errors.js';
import { runPython } from '../python.js';

let samples: SampleSource;
let root: string;
beforeAll(async () => {
  samples = await findSamples();
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-edit-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** pydicom's reading of a file: the edited tags and a digest of the pixel data as stored. */
async function pydicomView(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const file = path.join(root, `f-${Math.random().toString(36).slice(2)}.dcm`);
  await writeFile(file, bytes);
  return JSON.parse(
    runPython(
      `import hashlib, json, sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
print(json.dumps({"sd": ds.get("SeriesDescription"), "sn": None if "SeriesNumber" not in ds else str(ds.SeriesNumber),
  "sop": ds.SOPInstanceUID, "meta_sop": ds.file_meta.MediaStorageSOPInstanceUID, "ts": ds.file_meta.TransferSyntaxUID,
  "pixels": hashlib.sha256(ds.PixelData).hexdigest() if "PixelData" in ds else None, "n": len(ds)}))`,
      [file],
    ),
  ) as Record<string, unknown>;
}

const FILES: [encoding: string, file: string][] = [
  ['explicit VR little endian', 'test_files/CT_small.dcm'],
  ['implicit VR little endian', 'test_files/MR_small_implicit.dcm'],
  ['explicit VR big endian', 'test_files/MR_small_bigendian.dcm'],
  ['RLE, encapsulated pixel data', 'test_files/MR_small_RLE.dcm'],
  ['JPEG 2000, encapsulated pixel data', 'test_files/693_J2KI.dcm'],
];

describe('editDicom', () => {
  it.each(FILES)('%s: sets, replaces and deletes elements and keeps everything else', async (_encoding, file) => {
    const original = await samples.read(file);
    const before = await pydicomView(original);
    const edited = editDicom(
      original,
      { SeriesDescription: 'EDITED ODD', SeriesNumber: null },
      { MediaStorageSOPInstanceUID: '1.2.3.4' },
    );
    const after = await pydicomView(edited);
    expect(after).toMatchObject({
      sd: 'EDITED ODD',
      sn: null,
      sop: before['sop'],
      ts: before['ts'],
      pixels: before['pixels'],
      meta_sop: '1.2.3.4',
    });
    // One element added (SeriesDescription, where missing) or replaced, one removed.
    expect(Number(after['n'])).toBe(
      Number(before['n']) + (before['sd'] === null ? 1 : 0) - (before['sn'] === null ? 0 : 1),
    );
    expect(readDicom(edited).dataset['SeriesDescription']).toBe('EDITED ODD');
  });

  it('writes numbers in the file byte order and text in its character set', async () => {
    const big = editDicom(await samples.read('test_files/MR_small_bigendian.dcm'), { Rows: 64, Columns: [64] });
    expect(parseDicomHeader(big, ['Rows', 'Columns'])).toEqual({ Rows: '64', Columns: '64' });
    const latin1 = editDicom(await samples.read('charset_files/chrGerm.dcm'), { SeriesDescription: 'Schädel' });
    expect(parseDicomHeader(latin1, ['SeriesDescription'])).toEqual({ SeriesDescription: 'Schädel' });
    expect(() => editDicom(latin1, { PatientName: 'Люк' })).toThrow(/character set "ISO_IR 100"/);
  });

  it('refuses files that are not Part 10 or whose dataset is deflated', async () => {
    const noMeta = await samples.read('test_files/no_meta.dcm');
    const deflated = await samples.read('test_files/image_dfl.dcm');
    expect(() => editDicom(noMeta, {})).toThrow(/not a DICOM Part 10 file/);
    expect(() => editDicom(deflated, {})).toThrow(/deflated/);
  });
});

describe('series from real files', () => {
  it('stacks one real image into a series: new instance UIDs (meta too), instance numbers, positions along the normal', async () => {
    const files = replicate(await samples.read('test_files/CT_small.dcm'), 3, 'test-seed');
    const headers = files.map((f) =>
      parseDicomHeader(f, [
        'SOPInstanceUID',
        'MediaStorageSOPInstanceUID',
        'InstanceNumber',
        'ImagePositionPatient',
        'SeriesInstanceUID',
      ]),
    );
    expect(new Set(headers.map((h) => h['SOPInstanceUID'])).size).toBe(3);
    for (const h of headers) expect(h['MediaStorageSOPInstanceUID']).toBe(h['SOPInstanceUID']);
    expect(headers.map((h) => h['InstanceNumber'])).toEqual(['1', '2', '3']);
    expect(new Set(headers.map((h) => h['SeriesInstanceUID'])).size).toBe(1);
    const z = headers.map((h) => Number(h['ImagePositionPatient']?.split('\\')[2]));
    expect(z[1]! - z[0]!).toBeCloseTo(5, 5); // SliceThickness 5 along +z (axial orientation)
    expect(z[2]! - z[1]!).toBeCloseTo(5, 5);
  });

  it('gives a bare dataset the Part 10 header storescp writes', async () => {
    const file = asPart10(await samples.read('test_files/rtstruct.dcm'), '1.2.840.10008.1.2');
    const h = parseDicomHeader(file, [
      'SOPClassUID',
      'SOPInstanceUID',
      'MediaStorageSOPClassUID',
      'MediaStorageSOPInstanceUID',
      'TransferSyntaxUID',
      'Modality',
    ]);
    expect(h['Modality']).toBe('RTSTRUCT');
    expect(h['MediaStorageSOPClassUID']).toBe(h['SOPClassUID']);
    expect(h['MediaStorageSOPInstanceUID']).toBe(h['SOPInstanceUID']);
    expect(h['TransferSyntaxUID']).toBe('1.2.840.10008.1.2');
  });
});

describe("the user's own variants (--matrix-source)", () => {
  it('makes one variant per subfolder, at study level when it holds several series', async () => {
    const source = path.join(root, 'source');
    const ct = path.join(source, 'ct-one-series', 'nested');
    const study = path.join(source, 'ct-study');
    await mkdir(ct, { recursive: true });
    await mkdir(study, { recursive: true });
    await writeFile(path.join(ct, 'IM1'), await samples.read('test_files/dicomdirtests/98892001/CT5N/2062'));
    await writeFile(path.join(ct, 'notes.txt'), 'not DICOM');
    await writeFile(path.join(study, 'a'), await samples.read('test_files/dicomdirtests/98892001/CT5N/2062'));
    await writeFile(path.join(study, 'b'), await samples.read('test_files/dicomdirtests/98892001/CT2N/6293'));
    const variants = await userVariants(source);
    expect(variants.map((v) => [v.name, v.level, v.source])).toEqual([
      ['user:ct-one-series', 'series', 'user'],
      ['user:ct-study', 'study', 'user'],
    ]);
    expect(await readdir(source)).toEqual(['ct-one-series', 'ct-study']);
  });

  it('says what is wrong with the folder', async () => {
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    await expect(userVariants(empty)).rejects.toThrow(/has no subfolders/);
    await expect(userVariants(path.join(root, 'missing'))).rejects.toBeInstanceOf(ModuleError);
  });
});
