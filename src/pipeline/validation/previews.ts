/**
 * The report's pictures: for each series the module wrote, its middle slice beside the input
 * slice it came from. Read from the case folders before the smoke run removes them.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readDicom, readDicomHeader, type DicomHeader } from '../../mercure/dicom.js';
import { drawSlice, type SliceImage, type SliceUnavailable } from './pixels.js';

/** One slice of a series as the page shows it. */
export interface SlicePreview {
  /** The file name in its folder (module-provided text). */
  file: string;
  /** Position of the slice in its series, 1-based, and the series' length. */
  index: number;
  of: number;
  drawn: SliceImage | SliceUnavailable;
}

/** A series with the strings the page shows (module-provided text). */
export interface SeriesSummary {
  seriesInstanceUid: string;
  seriesDescription: string;
  seriesNumber: string;
  modality: string;
  slices: number;
}

/** An output series, its middle slice, and the input slice it is compared with. */
export interface SeriesPreview {
  output: SeriesSummary & { slice: SlicePreview };
  input?: SeriesSummary & { slice: SlicePreview };
  /** How the input slice was chosen, or why there is none. */
  matched: string;
}

/** Folders this large are summarised, not read whole, so a report never takes long. */
const MAX_FILES = 5000;
const KEYWORDS = [
  'SeriesInstanceUID',
  'SeriesDescription',
  'SeriesNumber',
  'Modality',
  'InstanceNumber',
  'ImagePositionPatient',
  'ImageOrientationPatient',
];

interface Slice {
  file: string;
  header: DicomHeader;
}
interface Series {
  summary: SeriesSummary;
  slices: Slice[];
}

/** Previews of every output series of a finished case, each paired with its input slice. */
export async function seriesPreviews(inDir: string, outDir: string): Promise<SeriesPreview[]> {
  const inputs = await readSeries(inDir);
  const outputs = await readSeries(outDir);
  const previews: SeriesPreview[] = [];
  for (const series of outputs) {
    const middle = Math.floor((series.slices.length - 1) / 2);
    const slice = series.slices[middle];
    if (!slice) continue;
    const output = { ...series.summary, slice: await preview(outDir, slice, middle, series.slices.length) };
    const pair = matchInput(inputs, series, slice, middle);
    if (!pair) {
      previews.push({ output, matched: 'no input series matches this one by file name or slice count' });
      continue;
    }
    const input = {
      ...pair.series.summary,
      slice: await preview(inDir, pair.slice, pair.index, pair.series.slices.length),
    };
    previews.push({ output, input, matched: pair.how });
  }
  return previews;
}

/**
 * The input slice an output slice came from: the one whose name after '#' is the same (mercure's
 * naming: `<new SeriesInstanceUID>#<rest of the input name>`), else the slice at the same place
 * in the only input series, or in the one input series with as many slices.
 */
function matchInput(
  inputs: Series[],
  output: Series,
  slice: Slice,
  index: number,
): { series: Series; slice: Slice; index: number; how: string } | undefined {
  const rest = restOfName(slice.file);
  for (const series of inputs) {
    const found = series.slices.findIndex((s) => restOfName(s.file) === rest);
    const same = series.slices[found];
    if (same) return { series, slice: same, index: found, how: 'the input slice of the same file name' };
  }
  const sameCount = inputs.filter((s) => s.slices.length === output.slices.length);
  const series = inputs.length === 1 ? inputs[0] : sameCount.length === 1 ? sameCount[0] : undefined;
  if (!series) return undefined;
  const at = Math.min(
    series.slices.length - 1,
    Math.round((index / Math.max(1, output.slices.length)) * series.slices.length),
  );
  const chosen = series.slices[at];
  if (!chosen) return undefined;
  return {
    series,
    slice: chosen,
    index: at,
    how:
      inputs.length === 1
        ? 'the middle slice of the only input series'
        : 'the middle slice of the input series with as many slices',
  };
}

const restOfName = (file: string) => file.slice(file.indexOf('#') + 1);

async function preview(dir: string, slice: Slice, index: number, of: number): Promise<SlicePreview> {
  let drawn: SlicePreview['drawn'];
  try {
    drawn = drawSlice(readDicom(await readFile(path.join(dir, slice.file))));
  } catch (error) {
    drawn = { unavailable: `the file could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { file: slice.file, index: index + 1, of, drawn };
}

/** The DICOM files of a flat mercure folder, grouped by series and ordered as a viewer would. */
async function readSeries(dir: string): Promise<Series[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.endsWith('.tags') && e.name !== 'task.json' && e.name !== 'result.json')
    .map((e) => e.name)
    .sort()
    .slice(0, MAX_FILES);
  const bySeries = new Map<string, Slice[]>();
  for (const file of names) {
    const header = await readDicomHeader(path.join(dir, file), KEYWORDS).catch(() => undefined);
    if (!header) continue; // not DICOM: the output checks report it
    const uid = header.SeriesInstanceUID ?? '';
    bySeries.set(uid, [...(bySeries.get(uid) ?? []), { file, header }]);
  }
  return [...bySeries.entries()].map(([uid, slices]) => {
    const first = slices[0]?.header ?? {};
    return {
      summary: {
        seriesInstanceUid: uid,
        seriesDescription: first.SeriesDescription ?? '',
        seriesNumber: first.SeriesNumber ?? '',
        modality: first.Modality ?? '',
        slices: slices.length,
      },
      slices: slices.sort(bySlicePosition),
    };
  });
}

/** Along the slice normal when position and orientation are known, else by Instance Number, else by name. */
function bySlicePosition(a: Slice, b: Slice): number {
  const pa = along(a.header);
  const pb = along(b.header);
  if (pa !== undefined && pb !== undefined && pa !== pb) return pa - pb;
  const ia = Number.parseInt(a.header.InstanceNumber ?? '', 10);
  const ib = Number.parseInt(b.header.InstanceNumber ?? '', 10);
  if (Number.isFinite(ia) && Number.isFinite(ib) && ia !== ib) return ia - ib;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

function along(header: DicomHeader): number | undefined {
  const position = (header.ImagePositionPatient ?? '').split('\\').map(Number);
  const o = (header.ImageOrientationPatient ?? '').split('\\').map(Number);
  if (position.length !== 3 || o.length !== 6 || [...position, ...o].some((n) => !Number.isFinite(n))) return undefined;
  const [r1 = 0, r2 = 0, r3 = 0, c1 = 0, c2 = 0, c3 = 0] = o;
  const normal = [r2 * c3 - r3 * c2, r3 * c1 - r1 * c3, r1 * c2 - r2 * c1];
  return position.reduce((sum, p, i) => sum + p * (normal[i] ?? 0), 0);
}
