/**
 * What an input folder holds, read from its files (not from the variant's description, so that
 * the user's own variants are judged the same way): the facts a module's declared scope is about.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readDicomHeader } from '../dicom.js';

/** The properties of a folder's DICOM files a module may declare it does not accept. */
export interface FolderTraits {
  modalities: string[];
  transferSyntaxes: string[];
  /** Some file holds more than one frame. */
  multiframe: boolean;
  /** Some file has more than one sample per pixel (RGB, YBR). */
  color: boolean;
  /** Some file is not an image: no pixel rows (SR, RT plan, structure set) or an RT dose grid. */
  nonImage: boolean;
}

/** The transfer syntaxes with pixel data as is (not compressed). */
export const UNCOMPRESSED_TRANSFER_SYNTAXES: readonly string[] = [
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.2',
];

// RT objects are images only formally (an RT dose grid has pixels); image modules cannot use them.
const RT_SOP_CLASS = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.481\./;
const KEYWORDS = ['Modality', 'TransferSyntaxUID', 'SOPClassUID', 'NumberOfFrames', 'SamplesPerPixel', 'Rows'] as const;

/** Reads the traits of the .dcm files directly in `dir`. */
export async function folderTraits(dir: string): Promise<FolderTraits> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.dcm')).sort();
  const headers: Awaited<ReturnType<typeof readDicomHeader>>[] = [];
  // A few at a time: a user's case may hold thousands of files, more than a process may open at once.
  for (let i = 0; i < names.length; i += 16) {
    headers.push(
      ...(await Promise.all(names.slice(i, i + 16).map((n) => readDicomHeader(path.join(dir, n), KEYWORDS)))),
    );
  }
  const set = (key: (typeof KEYWORDS)[number]) => [...new Set(headers.map((h) => h[key] ?? ''))].sort();
  return {
    modalities: set('Modality'),
    transferSyntaxes: set('TransferSyntaxUID'),
    multiframe: headers.some((h) => Number(h['NumberOfFrames'] ?? 1) > 1),
    color: headers.some((h) => Number(h['SamplesPerPixel'] ?? 1) > 1),
    nonImage: headers.some((h) => !h['Rows'] || RT_SOP_CLASS.test(h['SOPClassUID'] ?? '')),
  };
}
