/**
 * Variants built from pydicom's real sample files (paths below its data folder). Each builder
 * returns the files of each series; the only changes are the ones named next to it, made so that
 * a variant differs from a tidy series in the one way it is meant to.
 */
import type { SampleSource } from './samples.js';
import { asOneSeries, asPart10, editAll, intoStudy, replicate } from './derive.js';
import type { Edits } from './edit.js';

/** A real CT series: 5 axial slices of a calcium-score scan (16x16, 16-bit signed), every usual tag set. */
const CT_AXIAL = ['2062', '2392', '2693', '3023', '3353'].map((f) => `test_files/dicomdirtests/98892001/CT5N/${f}`);
/** The scout series of the same real CT study. */
const CT_SCOUT = ['6293', '6924'].map((f) => `test_files/dicomdirtests/98892001/CT2N/${f}`);
/** A real MR angiography series (7 projections) of the same patient, from another study. */
const MR_ANGIO = ['4467', '4528', '4558', '4588', '4618', '4648', '4678'].map(
  (f) => `test_files/dicomdirtests/98892003/MR700/${f}`,
);
/** Three real CR images (12 bits stored in 16) of a cervical spine, one series each. */
const CR_SPINE = ['CR1/6154', 'CR2/6247', 'CR3/6278'].map((f) => `test_files/dicomdirtests/77654033/${f}`);

/** Instances a single real image is stacked into, so that a variant is not also a one-slice series. */
const STACK = 3;

async function readAll(samples: SampleSource, paths: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(paths.map((p) => samples.read(p)));
}

/** The real CT series with the given tags edited (deleted with null, emptied with ''). */
export function ctSeries(edits: Edits = {}): (samples: SampleSource) => Promise<Uint8Array[][]> {
  return async (samples) => [editAll(await readAll(samples, CT_AXIAL), edits)];
}

/**
 * One real image stacked into a series of three; `description` is set when the sample has no
 * SeriesDescription, so that only the variant meant to lack it does.
 */
export function stacked(
  file: string,
  seed: string,
  description?: string,
): (samples: SampleSource) => Promise<Uint8Array[][]> {
  return async (samples) => {
    const series = replicate(await samples.read(file), STACK, seed);
    return [description === undefined ? series : editAll(series, { SeriesDescription: description })];
  };
}

/** One real file as a series of its own (multi-frame objects, SR documents come one per series). */
export function single(file: string, edits: Edits = {}): (samples: SampleSource) => Promise<Uint8Array[][]> {
  return async (samples) => [editAll([await samples.read(file)], edits)];
}

/** The three real CR images as one series (they were three one-image series). */
export async function crSeries(samples: SampleSource): Promise<Uint8Array[][]> {
  return [asOneSeries(await readAll(samples, CR_SPINE), 'variant:pixels-12bit-unsigned', '1', 'Cervical spine')];
}

/**
 * A study as a PACS forwards it: the CT axial and scout series, an MR series, a CR image and a
 * structured report, the last three moved into the CT's study (and patient).
 */
export async function mixedStudy(samples: SampleSource): Promise<Uint8Array[][]> {
  const axial = await readAll(samples, CT_AXIAL);
  const anchor = axial[0] as Uint8Array;
  return [
    axial,
    await readAll(samples, CT_SCOUT),
    intoStudy(anchor, await readAll(samples, MR_ANGIO)),
    intoStudy(anchor, await readAll(samples, CR_SPINE.slice(0, 1))),
    intoStudy(anchor, [await samples.read('test_files/test-SR.dcm')]),
  ];
}

/**
 * A planning study: the real CT series with a real RT structure set, plan and dose moved into its
 * study. The structure set is stored without a Part 10 header in pydicom's data and gets the one
 * storescp writes; the RT objects get a SeriesDescription (they have none).
 */
export async function rtStudy(samples: SampleSource): Promise<Uint8Array[][]> {
  const axial = await readAll(samples, CT_AXIAL);
  const anchor = axial[0] as Uint8Array;
  const struct = asPart10(await samples.read('test_files/rtstruct.dcm'), '1.2.840.10008.1.2');
  const rt = (file: Uint8Array, description: string) =>
    intoStudy(anchor, editAll([file], { SeriesDescription: description }));
  return [
    axial,
    rt(struct, 'RT structure set'),
    rt(await samples.read('test_files/rtplan.dcm'), 'RT plan'),
    rt(await samples.read('test_files/rtdose.dcm'), 'RT dose'),
  ];
}
