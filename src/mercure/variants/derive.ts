/**
 * Turning real sample files into coherent series and studies with the fewest possible changes:
 * new SOPInstanceUIDs where one real image is stacked into a series, a shared StudyInstanceUID
 * (and patient) where real series from different studies are put into one study. Everything
 * else (pixels, encoding, private tags) stays byte for byte as the sample has it.
 */
import { parseDicomHeader } from '../dicom.js';
import { dicomUid } from '../uid.js';
import { editDicom, wrapPart10, type Edits } from './edit.js';

/** Applies the same edits to every file; a new SOPInstanceUID is mirrored into the meta header. */
export function editAll(files: readonly Uint8Array[], edits: Edits): Uint8Array[] {
  return files.map((file) => editOne(file, edits));
}

/** Applies edits to one file, keeping MediaStorageSOPInstanceUID equal to SOPInstanceUID. */
export function editOne(file: Uint8Array, edits: Edits): Uint8Array {
  const sop = edits['SOPInstanceUID'];
  return editDicom(file, edits, typeof sop === 'string' ? { MediaStorageSOPInstanceUID: sop } : {});
}

/**
 * `count` instances of one real image as a series: each with its own SOPInstanceUID and
 * InstanceNumber and, when the image has a position, stacked along its slice normal, so that
 * sorting by position or instance number works as on a real acquisition.
 */
export function replicate(file: Uint8Array, count: number, seed: string): Uint8Array[] {
  const h = parseDicomHeader(file, [
    'ImagePositionPatient',
    'ImageOrientationPatient',
    'SliceThickness',
    'SpacingBetweenSlices',
    'SliceLocation',
  ]);
  const position = numbers(h['ImagePositionPatient']);
  const normal = sliceNormal(numbers(h['ImageOrientationPatient']));
  const step = Number(h['SpacingBetweenSlices'] || h['SliceThickness'] || 1) || 1;
  const location = Number(h['SliceLocation']);
  return Array.from({ length: count }, (_, i) => {
    const edits: Record<string, Edits[string]> = {
      SOPInstanceUID: dicomUid(seed, 'instance', i),
      InstanceNumber: String(i + 1),
    };
    if (position.length === 3)
      edits['ImagePositionPatient'] = position.map((p, axis) => ds(p + i * step * (normal[axis] ?? 0)));
    if (h['SliceLocation'] !== undefined && Number.isFinite(location)) edits['SliceLocation'] = ds(location + i * step);
    return editOne(file, edits);
  });
}

/** The patient and study attributes a series takes over when it is moved into another study. */
export const STUDY_KEYWORDS = [
  'StudyInstanceUID',
  'StudyDate',
  'StudyTime',
  'StudyID',
  'AccessionNumber',
  'StudyDescription',
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
] as const;

/** Moves files into the study (and patient) of `anchor`, as if all had been acquired in it. */
export function intoStudy(anchor: Uint8Array, files: readonly Uint8Array[]): Uint8Array[] {
  const study = parseDicomHeader(anchor, STUDY_KEYWORDS);
  const edits: Record<string, string> = {};
  // Only ASCII values are carried over: the moved files keep their own character set.

  for (const keyword of STUDY_KEYWORDS)
    if (/^[\u0000-\u007f]*$/.test(study[keyword] ?? '\u0080')) edits[keyword] = study[keyword] ?? '';
  return editAll(files, edits);
}

/** Puts files from several real series into one new series (UID, number, description, instance numbers). */
export function asOneSeries(
  files: readonly Uint8Array[],
  seed: string,
  seriesNumber: string,
  description: string,
): Uint8Array[] {
  const seriesUid = dicomUid(seed, 'series');
  return files.map((file, i) =>
    editOne(file, {
      SeriesInstanceUID: seriesUid,
      SeriesNumber: seriesNumber,
      SeriesDescription: description,
      InstanceNumber: String(i + 1),
    }),
  );
}

/** A bare dataset (no Part 10 header) as storescp would have stored it: with its meta header. */
export function asPart10(dataset: Uint8Array, transferSyntaxUid: string): Uint8Array {
  // The meta header repeats the dataset's SOP class and instance: wrap once to read them, then fill them in.
  const draft = wrapPart10(dataset, { transferSyntaxUid, sopClassUid: '1.2', sopInstanceUid: '1.2' });
  const h = parseDicomHeader(draft, ['SOPClassUID', 'SOPInstanceUID']);
  return editDicom(
    draft,
    {},
    { MediaStorageSOPClassUID: h['SOPClassUID'] ?? '', MediaStorageSOPInstanceUID: h['SOPInstanceUID'] ?? '' },
  );
}

function numbers(text: string | undefined): number[] {
  return (text ?? '')
    .split('\\')
    .filter((s) => s.trim() !== '')
    .map(Number)
    .filter(Number.isFinite);
}

/** The cross product of the row and column direction cosines; +z when the image has no orientation. */
function sliceNormal(orientation: number[]): number[] {
  if (orientation.length !== 6) return [0, 0, 1];
  const [r0 = 0, r1 = 0, r2 = 0, c0 = 0, c1 = 0, c2 = 0] = orientation;
  return [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
}

/** A DS value: at most 16 characters, no float noise. */
export function ds(n: number): string {
  const text = String(Number(n.toPrecision(10)));
  return text.length <= 16 ? text : n.toExponential(8);
}
