/**
 * Turns a folder of the user's own DICOM files (any layout, any names) into a mercure input folder:
 * the files are copied byte for byte, renamed as getdcmtags names them, given .tags sidecars and a
 * task.json. Files that are not DICOM Part 10 are skipped and reported by name.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { FileReadError, kindOfFile, readRegularFile } from '../regular-file.js';

/** The largest DICOM file imported (a big multi-frame file is a few hundred MB). */
const MAX_DICOM_BYTES = 2 * 1024 * 1024 * 1024 - 1;
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { DicomReadError, isDicomPart10, parseDicomHeader } from './dicom.js';
import { startCase, type CaseOptions, type InputFolder } from './input-folder.js';

/** Options of importDicomFolder: the case, where the files come from, and which series to take. */
export interface ImportOptions extends CaseOptions {
  /** The folder with the user's DICOM files, searched recursively. */
  from: string;
  /** Take only this series (needed at series level when the folder holds several). */
  seriesInstanceUid?: string;
}

/** A file that was not imported, and why. */
export interface SkippedFile {
  /** Path relative to `from`. */
  file: string;
  reason: string;
}

/** The input folder made, and what was left out. */
export interface ImportResult extends InputFolder {
  skipped: SkippedFile[];
}

interface Candidate {
  file: string;
  series: string;
  study: string;
  modality: string;
  description: string;
}

/** Copies the DICOM files under `from` into a new input folder at `dir`. */
export async function importDicomFolder(options: ImportOptions): Promise<ImportResult> {
  const info = await stat(options.from).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ModuleError('no-such-folder', `${options.from} is not a folder`, {
      hint: 'Give the folder that holds your DICOM files.',
    });
  }
  const skipped: SkippedFile[] = [];
  const files = await listFiles(options.from, skipped);
  const candidates: Candidate[] = [];
  // First pass reads headers only, so a wrong choice of series fails before anything is written.
  for (const file of files) {
    const bytes = await readRegularFile(path.join(options.from, file), MAX_DICOM_BYTES).catch((error: unknown) => {
      skipped.push({ file, reason: cannotRead(error, path.join(options.from, file)) });
      return undefined;
    });
    if (bytes === undefined) continue;
    if (!isDicomPart10(bytes)) {
      skipped.push({ file, reason: 'not a DICOM Part 10 file' });
      continue;
    }
    try {
      const header = parseDicomHeader(bytes, [
        'SeriesInstanceUID',
        'SOPInstanceUID',
        'StudyInstanceUID',
        'Modality',
        'SeriesDescription',
      ]);
      const series = header['SeriesInstanceUID'] ?? '';
      if (!series || !header['SOPInstanceUID']) {
        skipped.push({
          file,
          reason: `DICOM without ${series ? 'SOPInstanceUID' : 'SeriesInstanceUID'} (a DICOMDIR or similar)`,
        });
        continue;
      }
      candidates.push({
        file,
        series,
        study: header['StudyInstanceUID'] ?? '',
        modality: header['Modality'] ?? '',
        description: header['SeriesDescription'] ?? '',
      });
    } catch (error) {
      if (!(error instanceof DicomReadError)) throw error;
      skipped.push({ file, reason: error.message });
    }
  }
  const chosen = chooseSeries(candidates, skipped, options);
  const writer = await startCase(options);
  for (const candidate of chosen) {
    await writer.add(await readRegularFile(path.join(options.from, candidate.file), MAX_DICOM_BYTES), candidate.file);
  }
  return { ...(await writer.finish()), skipped };
}

function chooseSeries(candidates: Candidate[], skipped: SkippedFile[], options: ImportOptions): Candidate[] {
  if (candidates.length === 0) {
    const shown = skipped
      .slice(0, 5)
      .map((s) => `${s.file} (${s.reason})`)
      .join('; ');
    throw new ModuleError(
      'input-no-dicom',
      `no usable DICOM files in ${options.from}${skipped.length ? `: skipped ${skipped.length} file(s): ${shown}${skipped.length > 5 ? '; ...' : ''}` : ' (it is empty)'}`,
      {
        hint: 'Point it at a folder of DICOM Part 10 files (with the "DICM" header), or leave it out to use synthetic images.',
      },
    );
  }
  const bySeries = new Map<string, Candidate[]>();
  for (const c of candidates) bySeries.set(c.series, [...(bySeries.get(c.series) ?? []), c]);
  const list = [...bySeries.entries()].map(
    ([uid, cs]) => `${uid} (${cs[0]?.modality || '?'} "${cs[0]?.description ?? ''}", ${cs.length} files)`,
  );
  if (options.seriesInstanceUid !== undefined) {
    const picked = bySeries.get(options.seriesInstanceUid);
    if (!picked) {
      throw new ModuleError(
        'input-series-not-found',
        `series ${options.seriesInstanceUid} is not in ${options.from}; it holds ${list.join(', ')}`,
        {
          hint: 'Pick one of the SeriesInstanceUIDs listed.',
        },
      );
    }
    return picked;
  }
  if (options.level === 'series' && bySeries.size > 1) {
    throw new ModuleError(
      'input-series-count',
      `${options.from} holds ${bySeries.size} series, but a series-level case takes one: ${list.join(', ')}`,
      {
        hint: 'Choose one series by its SeriesInstanceUID, or use level "study" to pass them all.',
      },
    );
  }
  const studies = new Set(candidates.map((c) => c.study));
  if (studies.size > 1) {
    throw new ModuleError(
      'input-mixed-studies',
      `${options.from} holds ${studies.size} studies (${[...studies].join(', ')}); a case holds one study`,
      {
        hint: 'Choose one series by its SeriesInstanceUID, or point at a folder with the series of one study.',
      },
    );
  }
  return candidates;
}

/** Why a file could not be read, without the folder's path (the listing names the file). */
function cannotRead(error: unknown, full: string): string {
  const message = (error as Error).message.replace(`${full} `, '');
  return error instanceof FileReadError ? message : `cannot be read: ${message}`;
}

/**
 * Every regular file below `root`, as sorted relative paths (symbolic links to files included);
 * anything else (a FIFO, a device, a dangling link, an unreadable folder) goes to `skipped`, by name.
 */
async function listFiles(root: string, skipped: SkippedFile[], rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch((error: unknown) => {
    skipped.push({ file: rel || '.', reason: `folder cannot be listed: ${(error as Error).message}` });
    return [];
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = rel ? path.join(rel, entry.name) : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, skipped, name)));
    else if (entry.isFile()) out.push(name);
    else if (entry.isSymbolicLink()) {
      // Links are followed to files only, so a link to a parent folder cannot loop.
      const target = await stat(path.join(root, name)).catch(() => undefined);
      if (target?.isFile()) out.push(name);
      else if (!target?.isDirectory())
        skipped.push({ file: name, reason: target ? `a link to ${kindOfFile(target)}` : 'a dangling link' });
    } else
      skipped.push({ file: name, reason: `${kindOfFile(await lstat(path.join(root, name)))}, not a regular file` });
  }
  return out;
}
