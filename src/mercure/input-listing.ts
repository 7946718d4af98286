/**
 * Reads a folder back as mercure would take it as a module's input: flat `.dcm` files named after
 * their SeriesInstanceUID, `.tags` sidecars, task.json. The validator uses the same reading on a
 * module's out/, because mercure hands that folder to the next module in a chain as its in/.
 */
import { readFile, readdir } from 'node:fs/promises';
import { parseExactJson } from '../exact-json.js';
import { MAX_TASK_BYTES, readRegularText } from '../regular-file.js';
import path from 'node:path';
import { readDicomHeader, type DicomHeader } from './dicom.js';
import { TASK_FILE } from './input-folder.js';
import { parseTagsFile, type TagsFile } from './tags-file.js';

/** What to require besides valid DICOM files; an output folder has no sidecars or task.json yet. */
export interface ListingOptions {
  /** Require a `.tags` sidecar for every `.dcm` (default true). */
  sidecars?: boolean;
  /** Require a task.json that parses as an object (default true). */
  task?: boolean;
}

/** One `.dcm` file found directly in the folder. */
export interface ListedDicomFile {
  name: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  /** InstanceNumber as a number, when the file has one. */
  instanceNumber?: number;
  header: DicomHeader;
  /** The parsed sidecar, when there is one. */
  tags?: TagsFile;
}

/** Something in the folder mercure or a module would trip over. */
export interface ListingProblem {
  /** Path relative to the folder. */
  file: string;
  message: string;
}

/** A folder read as a module input. */
export interface InputListing {
  dir: string;
  /** DICOM files, by SeriesInstanceUID, then InstanceNumber, then name. */
  files: ListedDicomFile[];
  /** task.json parsed, when present and valid JSON. */
  task?: unknown;
  /** Files that are neither `.dcm`, their sidecars nor task.json (result.json, logs ...). */
  other: string[];
  problems: ListingProblem[];
}

/** Lists a folder as a mercure module input, collecting problems instead of stopping at the first. */
export async function readInputFolder(dir: string, options: ListingOptions = {}): Promise<InputListing> {
  const listing: InputListing = { dir, files: [], other: [], problems: [] };
  const entries = await readdir(dir, { withFileTypes: true });
  const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  for (const entry of entries) {
    if (entry.isDirectory()) {
      listing.problems.push({
        file: `${entry.name}/`,
        message: 'is a folder: mercure passes and dispatches only files directly in the case folder',
      });
      continue;
    }
    if (!entry.isFile()) continue;
    const name = entry.name;
    if (name.toLowerCase().endsWith('.dcm')) await listDicom(dir, name, names, options, listing);
    else if (name === TASK_FILE) listing.task = await readTask(dir, listing);
    else if (!(name.endsWith('.tags') && names.has(`${name.slice(0, -'.tags'.length)}.dcm`))) listing.other.push(name);
  }
  if ((options.task ?? true) && !names.has(TASK_FILE))
    listing.problems.push({ file: TASK_FILE, message: 'is missing; every module reads its settings from it' });
  if (listing.files.length === 0) listing.problems.push({ file: '.', message: 'holds no readable .dcm files' });
  sortBySeries(listing.files);
  return listing;
}

async function listDicom(
  dir: string,
  name: string,
  names: Set<string>,
  options: ListingOptions,
  listing: InputListing,
): Promise<void> {
  let header: DicomHeader;
  try {
    header = await readDicomHeader(path.join(dir, name));
  } catch (error) {
    listing.problems.push({ file: name, message: `is not readable DICOM: ${(error as Error).message}` });
    return;
  }
  const seriesInstanceUid = header['SeriesInstanceUID'] ?? '';
  const sopInstanceUid = header['SOPInstanceUID'] ?? '';
  if (!seriesInstanceUid || !sopInstanceUid) {
    listing.problems.push({
      file: name,
      message: `has no ${seriesInstanceUid ? 'SOPInstanceUID' : 'SeriesInstanceUID'}; mercure cannot file it into a series`,
    });
  } else if (!name.startsWith(`${seriesInstanceUid}#`)) {
    listing.problems.push({
      file: name,
      message: `should start with its SeriesInstanceUID: "${seriesInstanceUid}#..."`,
    });
  }
  const file: ListedDicomFile = { name, seriesInstanceUid, sopInstanceUid, header };
  const instanceNumber = Number.parseInt(header['InstanceNumber'] ?? '', 10);
  if (Number.isFinite(instanceNumber)) file.instanceNumber = instanceNumber;
  const tagsName = `${name.slice(0, -'.dcm'.length)}.tags`;
  if (names.has(tagsName)) {
    try {
      file.tags = parseTagsFile(await readFile(path.join(dir, tagsName), 'utf8'), tagsName);
    } catch (error) {
      listing.problems.push({ file: tagsName, message: `is not a valid .tags file: ${(error as Error).message}` });
    }
  } else if (options.sidecars ?? true) {
    listing.problems.push({ file: name, message: `has no sidecar ${tagsName}` });
  }
  listing.files.push(file);
}

async function readTask(dir: string, listing: InputListing): Promise<unknown> {
  let value: unknown;
  try {
    value = parseExactJson(await readRegularText(path.join(dir, TASK_FILE), MAX_TASK_BYTES));
  } catch (error) {
    listing.problems.push({ file: TASK_FILE, message: `is not valid JSON: ${(error as Error).message}` });
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    listing.problems.push({ file: TASK_FILE, message: 'is not a JSON object' });
  }
  return value;
}

/** Orders files the way modules should (the tags, not the names, give the order within a series). */
function sortBySeries(files: ListedDicomFile[]): void {
  const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  files.sort(
    (a, b) =>
      text(a.seriesInstanceUid, b.seriesInstanceUid) ||
      // Files without an InstanceNumber go last; Infinity - Infinity is NaN, which falls through.
      (a.instanceNumber ?? Infinity) - (b.instanceNumber ?? Infinity) ||
      text(a.name, b.name),
  );
}
