/**
 * Synthetic CT and MR series as valid DICOM Part 10 files (written with dcmjs), for smoke runs and
 * tests when the user has no images of their own. The pixels show a simple phantom (a body
 * ellipse with a banded texture and a sphere spanning the middle slices), so modules that threshold,
 * blur or segment get something non-constant to work on.
 */
import dcmjs from 'dcmjs';
import { randomUUID } from 'node:crypto';
import { dicomUid } from './uid.js';

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

/** SOP classes of the images written. */
export const SOP_CLASS = { CT: '1.2.840.10008.5.1.4.1.1.2', MR: '1.2.840.10008.5.1.4.1.1.4' } as const;
/** Explicit VR Little Endian, the transfer syntax every DICOM reader supports. */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Our ImplementationClassUID, fixed so files from any run identify the writer the same way. */
export const IMPLEMENTATION_CLASS_UID = dicomUid('mercure-module-kit', 'implementation');

/** How to make one synthetic series; everything but modality and now has a default. */
export interface SyntheticSeriesOptions {
  modality: 'CT' | 'MR';
  /** Study date and time, and the time the files claim to be made. */
  now: Date;
  slices?: number;
  rows?: number;
  columns?: number;
  /**
   * Makes every UID reproducible. Series made with the same seed share the study (and patient) UID
   * unless studyInstanceUid says otherwise; they differ by modality and series number.
   */
  seed?: string;
  studyInstanceUid?: string;
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: 'M' | 'F' | 'O';
  accessionNumber?: string;
  studyDescription?: string;
  seriesDescription?: string;
  seriesNumber?: number;
  /** Millimetres between slice centres (also SliceThickness). */
  sliceThickness?: number;
  /** Millimetres per pixel, in both directions. */
  pixelSpacing?: number;
}

/** A synthetic series; iterating it yields each slice's Part 10 bytes, made on demand. */
export interface SyntheticSeries extends Iterable<Uint8Array> {
  modality: 'CT' | 'MR';
  studyInstanceUid: string;
  seriesInstanceUid: string;
  seriesDescription: string;
  slices: number;
  rows: number;
  columns: number;
  /** The SOPInstanceUID of slice `index` (0-based; InstanceNumber is index + 1). */
  sopInstanceUid(index: number): string;
  /** The Part 10 bytes of slice `index`. */
  slice(index: number): Uint8Array;
}

/** Makes a synthetic CT (signed, rescaled to HU) or MR (unsigned) series. */
export function createSyntheticSeries(options: SyntheticSeriesOptions): SyntheticSeries {
  const o = withDefaults(options);
  const seed = options.seed ?? randomUUID();
  const studyInstanceUid = options.studyInstanceUid ?? dicomUid(seed, 'study');
  const seriesKey = `${o.modality}:${o.seriesNumber}`;
  const seriesInstanceUid = dicomUid(seed, 'series', seriesKey);
  const frameOfReferenceUid = dicomUid(seed, 'frame', studyInstanceUid);
  const sopInstanceUid = (index: number): string => dicomUid(seed, 'instance', seriesKey, index);
  const common = commonAttributes(o, studyInstanceUid, seriesInstanceUid, frameOfReferenceUid);
  const pixels = o.modality === 'CT' ? new Int16Array(o.rows * o.columns) : new Uint16Array(o.rows * o.columns);

  const slice = (index: number): Uint8Array => {
    if (!Number.isInteger(index) || index < 0 || index >= o.slices)
      throw new RangeError(`slice ${index} is outside 0..${o.slices - 1}`);
    drawPhantom(pixels, o, index);
    const sop = sopInstanceUid(index);
    const z = (index - (o.slices - 1) / 2) * o.sliceThickness;
    const dataset: Record<string, unknown> = {
      ...common,
      SOPInstanceUID: sop,
      InstanceNumber: String(index + 1),
      ImagePositionPatient: [ds(-(o.columns / 2) * o.pixelSpacing), ds(-(o.rows / 2) * o.pixelSpacing), ds(z)],
      SliceLocation: ds(z),
    };
    const meta = {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: SOP_CLASS[o.modality],
      MediaStorageSOPInstanceUID: sop,
      TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
      ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
      ImplementationVersionName: 'MMK_SYNTHETIC',
    };
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
    return withPixelData(new Uint8Array(dict.write()), pixels);
  };

  return {
    modality: o.modality,
    studyInstanceUid,
    seriesInstanceUid,
    seriesDescription: o.seriesDescription,
    slices: o.slices,
    rows: o.rows,
    columns: o.columns,
    sopInstanceUid,
    slice,
    *[Symbol.iterator]() {
      for (let i = 0; i < o.slices; i++) yield slice(i);
    },
  };
}

type Resolved = Required<Omit<SyntheticSeriesOptions, 'seed' | 'studyInstanceUid'>>;

function withDefaults(options: SyntheticSeriesOptions): Resolved {
  const ct = options.modality === 'CT';
  const rows = options.rows ?? 64;
  const resolved: Resolved = {
    modality: options.modality,
    now: options.now,
    slices: options.slices ?? 16,
    rows,
    columns: options.columns ?? rows,
    patientName: options.patientName ?? 'SYNTHETIC^PHANTOM',
    patientId: options.patientId ?? 'MMK0001',
    patientBirthDate: options.patientBirthDate ?? '19700101',
    patientSex: options.patientSex ?? 'O',
    accessionNumber: options.accessionNumber ?? 'ACC0001',
    studyDescription: options.studyDescription ?? 'SYNTHETIC PHANTOM',
    seriesDescription: options.seriesDescription ?? (ct ? 'CT PHANTOM AXIAL' : 'MR PHANTOM T1 AXIAL'),
    seriesNumber: options.seriesNumber ?? (ct ? 1 : 2),
    sliceThickness: options.sliceThickness ?? (ct ? 1.25 : 3),
    pixelSpacing: options.pixelSpacing ?? 250 / rows,
  };
  for (const key of ['slices', 'rows', 'columns'] as const) {
    const v = resolved[key];
    if (!Number.isInteger(v) || v < 1 || v > 65535)
      throw new RangeError(`synthetic ${key} must be an integer in 1..65535, got ${v}`);
  }
  return resolved;
}

/** Attributes shared by every slice of the series. */
function commonAttributes(o: Resolved, studyUid: string, seriesUid: string, frameUid: string): Record<string, unknown> {
  const ct = o.modality === 'CT';
  const date = dicomDate(o.now);
  const time = dicomTime(o.now);
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SOPClassUID: SOP_CLASS[o.modality],
    StudyDate: date,
    SeriesDate: date,
    AcquisitionDate: date,
    ContentDate: date,
    StudyTime: time,
    SeriesTime: time,
    AcquisitionTime: time,
    ContentTime: time,
    AccessionNumber: o.accessionNumber,
    Modality: o.modality,
    Manufacturer: 'mercure-module-kit',
    InstitutionName: 'SYNTHETIC',
    ReferringPhysicianName: '',
    StationName: 'MMK',
    StudyDescription: o.studyDescription,
    SeriesDescription: o.seriesDescription,
    ManufacturerModelName: 'synthetic phantom',
    PatientName: o.patientName,
    PatientID: o.patientId,
    PatientBirthDate: o.patientBirthDate,
    PatientSex: o.patientSex,
    BodyPartExamined: 'HEAD',
    SliceThickness: ds(o.sliceThickness),
    SpacingBetweenSlices: ds(o.sliceThickness),
    PatientPosition: 'HFS',
    StudyInstanceUID: studyUid,
    SeriesInstanceUID: seriesUid,
    StudyID: '1',
    SeriesNumber: String(o.seriesNumber),
    AcquisitionNumber: '1',
    ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
    FrameOfReferenceUID: frameUid,
    PositionReferenceIndicator: '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: o.rows,
    Columns: o.columns,
    PixelSpacing: [ds(o.pixelSpacing), ds(o.pixelSpacing)],
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: ct ? 1 : 0,
    WindowCenter: ct ? '40' : '500',
    WindowWidth: ct ? '400' : '1000',
    ...(ct
      ? { KVP: '120', ConvolutionKernel: 'STANDARD', RescaleIntercept: '-1024', RescaleSlope: '1', RescaleType: 'HU' }
      : {
          ScanningSequence: 'SE',
          SequenceVariant: 'NONE',
          ScanOptions: '',
          MRAcquisitionType: '2D',
          SequenceName: 'se2d1',
          RepetitionTime: '500',
          EchoTime: '15',
          MagneticFieldStrength: '1.5',
          ImagingFrequency: '63.87',
          EchoTrainLength: '1',
        }),
  };
}

/**
 * Appends the Pixel Data element (7FE0,0010), explicit VR little endian OW, after the dataset dcmjs
 * wrote. Pixel Data is the highest tag we write, so appending keeps tags in ascending order. Done
 * by hand because dcmjs moves 512 KiB of pixels through 4 KiB stream chunks: 2 ms of a 2.4 ms slice.
 */
function withPixelData(header: Uint8Array, pixels: Int16Array | Uint16Array): Uint8Array {
  const out = new Uint8Array(header.byteLength + 12 + pixels.byteLength);
  out.set(header, 0);
  const view = new DataView(out.buffer, header.byteLength, 12);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  view.setUint8(4, 0x4f); // 'O'
  view.setUint8(5, 0x57); // 'W'
  view.setUint16(6, 0, true);
  view.setUint32(8, pixels.byteLength, true);
  // Typed arrays use the host's byte order; every platform Node supports here is little endian.
  out.set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), header.byteLength + 12);
  return out;
}

/** Stored values of the phantom: CT in HU + 1024 (RescaleIntercept -1024), MR in arbitrary units. */
const PHANTOM = { CT: { outside: 24, body: 1064, sphere: 1724 }, MR: { outside: 0, body: 300, sphere: 900 } } as const;

/**
 * Draws slice `index` of the phantom into `pixels` with one TypedArray.fill per row segment, so a
 * 512x512 slice costs a few thousand fills instead of 262,144 per-pixel writes.
 */
export function drawPhantom(
  pixels: Int16Array | Uint16Array,
  o: Pick<Resolved, 'modality' | 'rows' | 'columns' | 'slices'>,
  index: number,
): void {
  const v = PHANTOM[o.modality];
  const cx = (o.columns - 1) / 2;
  const cy = (o.rows - 1) / 2;
  const bodyA = o.columns * 0.42;
  const bodyB = o.rows * 0.34;
  // The sphere spans the middle 70% of the slices; its cross-section shrinks towards both ends.
  const dz = o.slices > 1 ? (index - (o.slices - 1) / 2) / ((o.slices - 1) * 0.35) : 0;
  const sphereR = Math.min(o.rows, o.columns) * 0.2 * Math.sqrt(Math.max(0, 1 - dz * dz));
  pixels.fill(v.outside);
  for (let y = 0; y < o.rows; y++) {
    const row = y * o.columns;
    const ny = (y - cy) / bodyB;
    if (Math.abs(ny) >= 1) continue;
    const half = bodyA * Math.sqrt(1 - ny * ny);
    // Bands of 8 rows with slightly different values give edges inside the body.
    const body = v.body + ((y >> 3) & 3) * 10;
    pixels.fill(body, row + clampCol(cx - half, o.columns), row + clampCol(cx + half, o.columns) + 1);
    const sy = y - cy;
    if (Math.abs(sy) < sphereR) {
      const sHalf = Math.sqrt(sphereR * sphereR - sy * sy);
      pixels.fill(v.sphere, row + clampCol(cx - sHalf, o.columns), row + clampCol(cx + sHalf, o.columns) + 1);
    }
  }
}

function clampCol(x: number, columns: number): number {
  return Math.min(columns - 1, Math.max(0, Math.round(x)));
}

/** A DS value as text: at most 16 characters, no float noise (0.30000000000000004). */
function ds(n: number): string {
  const text = String(Number(n.toPrecision(10)));
  return text.length <= 16 ? text : n.toExponential(8);
}

function dicomDate(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

function dicomTime(d: Date): string {
  return `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
