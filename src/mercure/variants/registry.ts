/**
 * The registry of built-in variants, in the order a matrix runs them. The quick tier holds the
 * six most likely to break a module; the full tier adds the rest. Every variant except the
 * missing-/empty- ones carries a SeriesDescription, so that each differs from a tidy series in
 * one way and a module's failures point at that one way.
 */
import { ModuleError } from '../../errors.js';
import { crSeries, ctSeries, mixedStudy, rtStudy, single, stacked } from './real.js';
import { enhancedCt, longSeries, oddMatrix, pixelSeries } from './synthesized.js';
import type { SampleSource } from './samples.js';
import type { BuiltinVariant, VariantTier } from './variant.js';

const real = (v: Omit<BuiltinVariant, 'source' | 'build'>, build: BuiltinVariant['build']): BuiltinVariant => ({
  ...v,
  source: 'real',
  build,
});
const synthetic = (v: Omit<BuiltinVariant, 'source' | 'build'>, build: BuiltinVariant['build']): BuiltinVariant => ({
  ...v,
  source: 'synthetic',
  build,
});
const samples =
  (build: (s: SampleSource) => Promise<Uint8Array[][]>): BuiltinVariant['build'] =>
  (ctx) =>
    build(ctx.samples);
const T = 'test_files/';

/** Tags the empty-values variant keeps but empties. */
const EMPTIED: readonly string[] = [
  'SeriesDescription',
  'SeriesNumber',
  'SliceThickness',
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'StudyDescription',
  'BodyPartExamined',
  'InstitutionName',
  'AccessionNumber',
  'StudyID',
  'ProtocolName',
  'Manufacturer',
];

/** Every built-in variant. */
export const VARIANTS: readonly BuiltinVariant[] = [
  // --- quick: the few most likely to break a module ---
  real(
    {
      name: 'missing-series-description',
      tier: 'quick',
      level: 'series',
      description: 'a real CT series without SeriesDescription (0008,103E), as many modalities send it',
      exercises: 'ds.SeriesDescription without a default; an empty SeriesDescription in .tags and task.json',
    },
    samples(ctSeries({ SeriesDescription: null })),
  ),
  real(
    {
      name: 'big-endian',
      tier: 'quick',
      level: 'series',
      description:
        'a real MR image in Explicit VR Big Endian (retired, still sent by old archives), stacked into 3 instances',
      exercises: 'byte order of raw pixel buffers (np.frombuffer on PixelData), writers that assume little endian',
    },
    samples(stacked(`${T}MR_small_bigendian.dcm`, 'variant:big-endian', 'MR small big endian')),
  ),
  real(
    {
      name: 'compressed-jpeg2000',
      tier: 'quick',
      level: 'series',
      description: 'a real 512x512 head CT in JPEG 2000 (lossy), stacked into 3 instances',
      exercises:
        'decoding compressed pixel data (needs openjpeg/pylibjpeg/gdcm); writing pixels back under a compressed transfer syntax',
    },
    samples(stacked(`${T}693_J2KI.dcm`, 'variant:compressed-jpeg2000')),
  ),
  synthetic(
    {
      name: 'multiframe-enhanced-ct',
      tier: 'quick',
      level: 'series',
      description: 'one Enhanced CT file with 24 frames and per-frame functional groups, as current scanners write',
      exercises:
        'code that expects one 2D image per file; positions in functional groups instead of ImagePositionPatient',
    },
    (ctx) => enhancedCt(ctx),
  ),
  real(
    {
      name: 'rgb',
      tier: 'quick',
      level: 'series',
      description: 'a real 256x256 RGB secondary capture (uncompressed, implicit VR), stacked into 3 instances',
      exercises: 'pixel arrays of shape (rows, columns, 3); SamplesPerPixel and PlanarConfiguration',
    },
    samples(stacked(`${T}SC_rgb_jpeg_dcmd.dcm`, 'variant:rgb', 'RGB secondary capture')),
  ),
  real(
    {
      name: 'study-mixed',
      tier: 'quick',
      level: 'study',
      description:
        'a study-level case: real CT axial and scout series, an MR series, a CR image and a structured report',
      exercises: 'several series and modalities in one folder; a non-image object (SR) among the images',
    },
    samples(mixedStudy),
  ),
  // --- full: everything else ---
  real(
    {
      name: 'pixels-16bit-signed',
      tier: 'full',
      level: 'series',
      description:
        'a tidy real CT series (5 slices, 16-bit signed, every usual tag): the control the others differ from',
      exercises: 'nothing unusual: if this fails, every variant will',
    },
    samples(ctSeries()),
  ),
  real(
    {
      name: 'missing-series-number',
      tier: 'full',
      level: 'series',
      description: 'the real CT series without SeriesNumber',
      exercises: 'int(ds.SeriesNumber); series numbering of the output',
    },
    samples(ctSeries({ SeriesNumber: null })),
  ),
  real(
    {
      name: 'missing-slice-thickness',
      tier: 'full',
      level: 'series',
      description: 'the real CT series without SliceThickness and SpacingBetweenSlices',
      exercises: 'voxel size from SliceThickness; spacing computed from positions instead',
    },
    samples(ctSeries({ SliceThickness: null, SpacingBetweenSlices: null })),
  ),
  real(
    {
      name: 'missing-patient-data',
      tier: 'full',
      level: 'series',
      description:
        'the real CT series without PatientName, PatientID, PatientBirthDate, PatientSex, PatientAge (anonymiser output)',
      exercises: 'patient tags read without a default; an empty patient_name and mrn in task.json',
    },
    samples(
      ctSeries({
        PatientName: null,
        PatientID: null,
        PatientBirthDate: null,
        PatientSex: null,
        PatientAge: null,
        PatientWeight: null,
      }),
    ),
  ),
  real(
    {
      name: 'empty-values',
      tier: 'full',
      level: 'series',
      description: 'the real CT series with descriptive, patient and number tags present but empty (zero length)',
      exercises: "int('') and float('') on empty IS/DS values; None where a string was expected",
    },
    samples(ctSeries(Object.fromEntries(EMPTIED.map((k) => [k, ''])))),
  ),
  real(
    {
      name: 'non-ascii-latin1',
      tier: 'full',
      level: 'series',
      description: 'a real image of patient "Äneas^Rüdiger" in ISO_IR 100 (Latin-1), SeriesDescription "Schädel nativ"',
      exercises: 'decoding text by SpecificCharacterSet; writing non-ASCII values back; .tags in UTF-8',
    },
    samples(stacked('charset_files/chrGerm.dcm', 'variant:non-ascii-latin1', 'Schädel nativ')),
  ),
  real(
    {
      name: 'non-ascii-utf8',
      tier: 'full',
      level: 'series',
      description:
        'a real image of patient "Wang^XiaoDong=王^小東=" in ISO_IR 192 (UTF-8), SeriesDescription "头颅 平扫"',
      exercises: 'multi-byte UTF-8 in names and descriptions; byte vs character lengths (64-character LO limit)',
    },
    samples(stacked('charset_files/chrX1.dcm', 'variant:non-ascii-utf8', '头颅 平扫')),
  ),
  real(
    {
      name: 'non-ascii-cyrillic',
      tier: 'full',
      level: 'series',
      description: 'a real image of patient "Люкceмбypг" in ISO_IR 144 (Cyrillic)',
      exercises: 'a single-byte character set other than Latin-1',
    },
    samples(stacked('charset_files/chrRuss.dcm', 'variant:non-ascii-cyrillic', 'Cyrillic names')),
  ),
  real(
    {
      name: 'implicit-vr',
      tier: 'full',
      level: 'series',
      description: 'a real MR image in Implicit VR Little Endian (the DICOM default), stacked into 3 instances',
      exercises: 'readers and writers that need the VR in the file',
    },
    samples(stacked(`${T}MR_small_implicit.dcm`, 'variant:implicit-vr', 'MR small implicit VR')),
  ),
  real(
    {
      name: 'compressed-rle',
      tier: 'full',
      level: 'series',
      description: 'a real MR image in RLE Lossless, stacked into 3 instances',
      exercises: 'RLE decoding; writing decoded pixels back without changing the transfer syntax (a corrupt file)',
    },
    samples(stacked(`${T}MR_small_RLE.dcm`, 'variant:compressed-rle', 'MR small RLE')),
  ),
  real(
    {
      name: 'compressed-jpeg-ls',
      tier: 'full',
      level: 'series',
      description: 'a real MR image in JPEG-LS Lossless, stacked into 3 instances',
      exercises: 'JPEG-LS decoding (CharLS)',
    },
    samples(stacked(`${T}MR_small_jpeg_ls_lossless.dcm`, 'variant:compressed-jpeg-ls', 'MR small JPEG-LS')),
  ),
  real(
    {
      name: 'compressed-jpeg2000-lossless',
      tier: 'full',
      level: 'series',
      description: 'a real MR image in JPEG 2000 Lossless, stacked into 3 instances',
      exercises: 'JPEG 2000 decoding of signed 16-bit data',
    },
    samples(
      stacked(`${T}MR_small_jp2klossless.dcm`, 'variant:compressed-jpeg2000-lossless', 'MR small JPEG 2000 lossless'),
    ),
  ),
  real(
    {
      name: 'compressed-jpeg-lossy',
      tier: 'full',
      level: 'series',
      description: 'a real NM image in JPEG Extended (12-bit lossy), a multi-frame IOD with NumberOfFrames 1',
      exercises: '12-bit JPEG (Pillow cannot decode it); NumberOfFrames present on a single frame',
    },
    samples(stacked(`${T}JPGExtended.dcm`, 'variant:compressed-jpeg-lossy', 'NM JPEG extended')),
  ),
  real(
    {
      name: 'compressed-jpeg-baseline',
      tier: 'full',
      level: 'series',
      description: 'a real RGB image in JPEG Baseline (YBR_FULL), as ultrasound and secondary captures arrive',
      exercises: 'JPEG baseline decoding and YBR to RGB conversion',
    },
    samples(stacked(`${T}SC_rgb_jpeg_dcmtk.dcm`, 'variant:compressed-jpeg-baseline', 'RGB JPEG baseline')),
  ),
  real(
    {
      name: 'compressed-jpeg-lossless',
      tier: 'full',
      level: 'series',
      description: 'a real RGB image in JPEG Lossless (Process 14, SV1), as PACS archives store it',
      exercises: 'lossless JPEG decoding (not supported by Pillow)',
    },
    samples(stacked(`${T}SC_rgb_jpeg_gdcm.dcm`, 'variant:compressed-jpeg-lossless', 'RGB JPEG lossless')),
  ),
  real(
    {
      name: 'multiframe-rgb-rle',
      tier: 'full',
      level: 'series',
      description: 'one real RGB file with 2 frames in RLE Lossless',
      exercises: 'frames x rows x columns x samples arrays; RLE per frame',
    },
    samples(single(`${T}SC_rgb_rle_2frame.dcm`, { SeriesDescription: 'RGB RLE 2 frames' })),
  ),
  real(
    {
      name: 'ybr-full-422',
      tier: 'full',
      level: 'series',
      description: 'a real uncompressed YBR_FULL_422 image (subsampled colour), stacked into 3 instances',
      exercises: 'PhotometricInterpretation other than MONOCHROME2/RGB; PixelData shorter than rows x columns x 3',
    },
    samples(stacked(`${T}SC_ybr_full_422_uncompressed.dcm`, 'variant:ybr-full-422', 'YBR full 422')),
  ),
  synthetic(
    {
      name: 'pixels-8bit-unsigned',
      tier: 'full',
      level: 'series',
      description: 'an MR phantom series stored in 8 bits unsigned',
      exercises: 'uint8 arrays (overflow when filtering); OB pixel data',
    },
    pixelSeries({ allocated: 8, stored: 8, signed: false }, 'pixels-8bit-unsigned'),
  ),
  synthetic(
    {
      name: 'pixels-8bit-signed',
      tier: 'full',
      level: 'series',
      description: 'a CT phantom series stored in 8 bits signed (RescaleSlope 16)',
      exercises: 'int8 arrays; rescale slope other than 1',
    },
    pixelSeries({ allocated: 8, stored: 8, signed: true }, 'pixels-8bit-signed'),
  ),
  real(
    {
      name: 'pixels-12bit-unsigned',
      tier: 'full',
      level: 'series',
      description: 'three real CR images (12 bits stored in 16) put into one series',
      exercises: 'BitsStored 12 < BitsAllocated 16; value ranges assumed from BitsAllocated',
    },
    samples(crSeries),
  ),
  synthetic(
    {
      name: 'pixels-12bit-signed',
      tier: 'full',
      level: 'series',
      description: 'a CT phantom series in HU, 12 bits stored signed, RescaleIntercept 0',
      exercises: 'sign extension of 12-bit values; intercept other than -1024',
    },
    pixelSeries({ allocated: 16, stored: 12, signed: true }, 'pixels-12bit-signed'),
  ),
  synthetic(
    {
      name: 'pixels-16bit-unsigned',
      tier: 'full',
      level: 'series',
      description: 'an MR phantom series in 16 bits unsigned',
      exercises: 'uint16 arrays (negative results wrap around)',
    },
    pixelSeries({ allocated: 16, stored: 16, signed: false }, 'pixels-16bit-unsigned'),
  ),
  synthetic(
    {
      name: 'odd-matrix',
      tier: 'full',
      level: 'series',
      description: 'a CT phantom series with 67 rows and 131 columns',
      exercises: 'square or even-size assumptions; rows/columns swapped',
    },
    oddMatrix,
  ),
  real(
    {
      name: 'one-slice',
      tier: 'full',
      level: 'series',
      description: 'a series of one real 128x128 CT slice',
      exercises: 'slice spacing from two positions; 3D code on a single slice',
    },
    samples(single(`${T}CT_small.dcm`, { SeriesDescription: 'CT one slice' })),
  ),
  synthetic(
    {
      name: 'long-series',
      tier: 'full',
      level: 'series',
      description: 'a thin-slice CT phantom series, 300 slices by default (--long-series)',
      exercises: 'time and memory per slice; open file limits; sorting',
    },
    longSeries,
  ),
  real(
    {
      name: 'non-image-sr',
      tier: 'full',
      level: 'series',
      description: 'a series holding one real structured report (no pixel data)',
      exercises: 'ds.pixel_array on an object without PixelData',
    },
    samples(single(`${T}test-SR.dcm`)),
  ),
  real(
    {
      name: 'study-rt',
      tier: 'full',
      level: 'study',
      description:
        'a study-level case: a real CT series with a real RT structure set, plan and dose (multi-frame, 32-bit)',
      exercises: 'RT objects among the images; 32-bit unsigned dose grids',
    },
    samples(rtStudy),
  ),
];

/** The variants of a tier: quick, or all of them for full. */
export function variantsOf(tier: VariantTier): BuiltinVariant[] {
  return VARIANTS.filter((v) => tier === 'full' || v.tier === 'quick');
}

/** A built-in variant by name; a ModuleError listing the names when there is none. */
export function findVariant(name: string): BuiltinVariant {
  const variant = VARIANTS.find((v) => v.name === name);
  if (!variant) {
    throw new ModuleError('unknown-variant', `there is no variant "${name}"`, {
      hint: `Choose one of: ${VARIANTS.map((v) => v.name).join(', ')} (mercure-module fixtures --list-variants).`,
    });
  }
  return variant;
}
