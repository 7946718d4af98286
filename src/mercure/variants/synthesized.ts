/**
 * Variants no real sample covers, made from the synthetic phantom (../synthetic.ts): pixel formats
 * pydicom ships no file of (8-bit, 12-bit signed), an odd non-square matrix, a long series, and an
 * enhanced (multi-frame) CT as current scanners write them.
 */
import dcmjs from 'dcmjs';
import {
  createSyntheticSeries,
  drawPhantom,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLEMENTATION_CLASS_UID,
} from '../synthetic.js';
import { dicomUid } from '../uid.js';
import { ds } from './derive.js';
import { editDicom, type Edits } from './edit.js';
import type { VariantContext } from './variant.js';

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

/** A pixel format: bits allocated and stored, and whether values are signed. */
export interface PixelFormat {
  allocated: 8 | 16;
  stored: number;
  signed: boolean;
}

const SLICES = 6;
const SIZE = 64;

/**
 * A phantom series in the given pixel format. Signed formats hold the CT phantom in HU (scaled to
 * fit 8 bits), unsigned ones the MR phantom; the rescale tags say how to get the original back.
 */
export function pixelSeries(format: PixelFormat, name: string): (ctx: VariantContext) => Promise<Uint8Array[][]> {
  return async (ctx) => {
    const modality = format.signed ? 'CT' : 'MR';
    const series = createSyntheticSeries({
      modality,
      now: ctx.now,
      slices: SLICES,
      rows: SIZE,
      seed: `variant:${name}`,
      seriesDescription: name,
    });
    const o = { modality, rows: SIZE, columns: SIZE, slices: SLICES } as const;
    const phantom = format.signed ? new Int16Array(SIZE * SIZE) : new Uint16Array(SIZE * SIZE);
    const files: Uint8Array[] = [];
    for (let i = 0; i < SLICES; i++) {
      drawPhantom(phantom, o, i);
      files.push(editDicom(series.slice(i), formatEdits(format, phantom)));
    }
    return [files];
  };
}

function formatEdits(format: PixelFormat, phantom: Int16Array | Uint16Array): Edits {
  // CT phantom values are HU + 1024; 8 bits signed hold HU / 16 (slope 16), 12 and 16 bits HU itself.
  const slope = format.signed && format.allocated === 8 ? 16 : format.allocated === 8 ? 4 : 1;
  const values = Array.from(phantom, (v) => (format.signed ? Math.round((v - 1024) / slope) : Math.round(v / slope)));
  const Typed =
    format.allocated === 8 ? (format.signed ? Int8Array : Uint8Array) : format.signed ? Int16Array : Uint16Array;
  const pixels = new Uint8Array(Typed.from(values).buffer);
  const edits: Record<string, Edits[string]> = {
    BitsAllocated: format.allocated,
    BitsStored: format.stored,
    HighBit: format.stored - 1,
    PixelRepresentation: format.signed ? 1 : 0,
    PixelData: { vr: format.allocated === 8 ? 'OB' : 'OW', bytes: pixels },
  };
  if (format.signed) Object.assign(edits, { RescaleIntercept: '0', RescaleSlope: String(slope) });
  if (format.allocated === 8)
    Object.assign(edits, { WindowCenter: format.signed ? '3' : '125', WindowWidth: format.signed ? '25' : '250' });
  return edits;
}

/** A CT series with an odd, non-square matrix (67 rows, 131 columns). */
export async function oddMatrix(ctx: VariantContext): Promise<Uint8Array[][]> {
  return [
    [
      ...createSyntheticSeries({
        modality: 'CT',
        now: ctx.now,
        slices: SLICES,
        rows: 67,
        columns: 131,
        seed: 'variant:odd-matrix',
        seriesDescription: 'odd matrix 67x131',
      }),
    ],
  ];
}

/** A thin-slice CT series of `ctx.longSeriesSlices` slices (64x64 each, so size is the count, not the bytes). */
export async function longSeries(ctx: VariantContext): Promise<Uint8Array[][]> {
  return [
    [
      ...createSyntheticSeries({
        modality: 'CT',
        now: ctx.now,
        slices: ctx.longSeriesSlices,
        rows: SIZE,
        sliceThickness: 0.625,
        seed: 'variant:long-series',
        seriesDescription: `long series ${ctx.longSeriesSlices} slices`,
      }),
    ],
  ];
}

/**
 * An Enhanced CT Image (one file, `frames` frames) with the functional groups scanners write:
 * pixel measures, orientation and rescale shared, position and stack index per frame.
 */
export async function enhancedCt(ctx: VariantContext, frames = 24): Promise<Uint8Array[][]> {
  const seed = 'variant:multiframe-enhanced-ct';
  const base = createSyntheticSeries({ modality: 'CT', now: ctx.now, slices: frames, rows: SIZE, seed });
  const sop = dicomUid(seed, 'enhanced', 'instance');
  const spacing = 250 / SIZE;
  const thickness = 1.25;
  const pixels = new Int16Array(frames * SIZE * SIZE);
  const frame = new Int16Array(SIZE * SIZE);
  for (let i = 0; i < frames; i++) {
    drawPhantom(frame, { modality: 'CT', rows: SIZE, columns: SIZE, slices: frames }, i);
    pixels.set(frame, i * SIZE * SIZE);
  }
  const date = ctx.now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = ctx.now.toISOString().slice(11, 19).replace(/:/g, '');
  const z = (i: number) => ds((i - (frames - 1) / 2) * thickness);
  const dataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL', 'NONE'],
    SOPClassUID: ENHANCED_CT,
    SOPInstanceUID: sop,
    StudyDate: date,
    StudyTime: time,
    ContentDate: date,
    ContentTime: time,
    AcquisitionDateTime: `${date}${time}`,
    AccessionNumber: 'ACC0001',
    Modality: 'CT',
    Manufacturer: 'mercure-module-kit',
    ReferringPhysicianName: '',
    StudyDescription: 'SYNTHETIC PHANTOM',
    SeriesDescription: 'enhanced CT multi-frame',
    PatientName: 'SYNTHETIC^PHANTOM',
    PatientID: 'MMK0001',
    PatientBirthDate: '19700101',
    PatientSex: 'O',
    StudyInstanceUID: base.studyInstanceUid,
    SeriesInstanceUID: dicomUid(seed, 'enhanced', 'series'),
    StudyID: '1',
    SeriesNumber: '3',
    InstanceNumber: '1',
    FrameOfReferenceUID: dicomUid(seed, 'frame'),
    PositionReferenceIndicator: '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: String(frames),
    Rows: SIZE,
    Columns: SIZE,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    ContentQualification: 'PRODUCT',
    ImageComments: 'synthetic enhanced CT',
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: [ds(spacing), ds(spacing)], SliceThickness: ds(thickness) }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'] }],
        PixelValueTransformationSequence: [{ RescaleIntercept: '-1024', RescaleSlope: '1', RescaleType: 'HU' }],
        FrameVOILUTSequence: [{ WindowCenter: '40', WindowWidth: '400' }],
      },
    ],
    PerFrameFunctionalGroupsSequence: Array.from({ length: frames }, (_, i) => ({
      FrameContentSequence: [{ StackID: '1', InStackPositionNumber: i + 1, DimensionIndexValues: [1, i + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: [ds(-125), ds(-125), z(i)] }],
    })),
    PixelData: [pixels.buffer],
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ENHANCED_CT,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'MMK_VARIANT',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return [[new Uint8Array(dict.write())]];
}

const ENHANCED_CT = '1.2.840.10008.5.1.4.1.1.2.1';
