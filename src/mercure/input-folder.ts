/**
 * A mercure input folder (a case's in/): every DICOM file named
 * `<SeriesInstanceUID>#<Modality>.X.<SOPInstanceUID>.dcm` with its `.tags` sidecar, plus task.json,
 * as mercure's receiver, router and processor leave it for a module.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { HEADER_KEYWORDS, parseDicomHeader, tagKeyOf, type DicomHeader } from './dicom.js';
import { buildTags, serializeTags, type TagsFile } from './tags-file.js';
import { buildTask, DEFAULT_PEER, serializeTask, type Task, type TaskOptions, type TaskSeries } from './task.js';

/** The file mercure writes the task into. */
export const TASK_FILE = 'task.json';

/** What every way of making an input folder needs besides the DICOM files. */
export interface CaseOptions {
  /** The folder to fill; created if missing, and it must be empty. */
  dir: string;
  level: 'series' | 'study';
  moduleName: string;
  dockerTag: string;
  /** The rule's processing settings (task.json process.settings). */
  settings?: Record<string, unknown>;
  /** The module's default settings (module_config.settings). */
  moduleSettings?: Record<string, unknown>;
  module?: TaskOptions['module'];
  now: Date;
  /** Default: a random UUID. */
  taskId?: string;
  ruleName?: string;
  senderAddress?: string;
  senderAet?: string;
  receiverAet?: string;
  /** Extra tags for the .tags files (mercure's dcm_extra_tags): keywords or "gggg,eeee". */
  extraTags?: readonly string[];
  /** Checked before each file: an aborted signal stops the writing (the caller removes the folder). */
  signal?: AbortSignal;
}

/** Options of writeInputFolder: the case, and the series to put in it. */
export interface InputFolderOptions extends CaseOptions {
  /** Each series as Part 10 buffers; a SyntheticSeries is one. Series level takes exactly one. */
  series: readonly (Iterable<Uint8Array> | AsyncIterable<Uint8Array>)[];
}

/** One DICOM file placed in an input folder. */
export interface InputFile {
  /** `<SeriesInstanceUID>#<Modality>.X.<SOPInstanceUID>.dcm` */
  name: string;
  /** The sidecar's name: `name` with `.tags` instead of `.dcm`. */
  tagsName: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  tags: TagsFile;
}

/** A series in an input folder, in the order it arrived. */
export interface InputSeries {
  seriesInstanceUid: string;
  modality: string;
  seriesDescription: string;
  files: number;
}

/** A finished input folder. */
export interface InputFolder {
  dir: string;
  task: Task;
  files: InputFile[];
  series: InputSeries[];
}

/** The storescp name of a DICOM file (`<Modality>.X.<SOPInstanceUID>`); "UNKNOWN" as DCMTK when there is no modality. */
export function storescpName(modality: string, sopInstanceUid: string): string {
  return `${modality || 'UNKNOWN'}.X.${sopInstanceUid}`;
}

/** The name getdcmtags gives a received file: `<SeriesInstanceUID>#<storescp name>.dcm`. */
export function inputFileName(seriesInstanceUid: string, modality: string, sopInstanceUid: string): string {
  return `${seriesInstanceUid}#${storescpName(modality, sopInstanceUid)}.dcm`;
}

/** Writes a complete input folder from DICOM series (synthetic or the user's own). */
export async function writeInputFolder(options: InputFolderOptions): Promise<InputFolder> {
  if (options.level === 'series' && options.series.length !== 1) {
    throw new ModuleError(
      'input-series-count',
      `a series-level case holds exactly one series, but ${options.series.length} were given`,
      {
        hint: 'Give one series, or use level "study" to put several series of one study in the case.',
      },
    );
  }
  const writer = await startCase(options);
  // A few writes stay in flight while the next slice is made: disk and CPU overlap.
  const inFlight: Promise<unknown>[] = [];
  for (const source of options.series) {
    for await (const bytes of source) {
      const pending = writer.add(bytes);
      pending.catch(() => undefined); // rejections surface where it is awaited, never as unhandled
      inFlight.push(pending);
      if (inFlight.length >= WRITE_WINDOW) await inFlight.shift();
    }
  }
  await Promise.all(inFlight);
  return writer.finish();
}

const WRITE_WINDOW = 4;

/** Places files into a new case folder one by one, then writes task.json; shared with the folder import. */
export interface CaseWriter {
  /** Writes one DICOM file (and its .tags) from its bytes; `origin` names it in errors. */
  add(bytes: Uint8Array, origin?: string): Promise<InputFile>;
  /** Checks the series count and writes task.json. */
  finish(): Promise<InputFolder>;
}

/** Opens an empty case folder for writing. */
export async function startCase(options: CaseOptions): Promise<CaseWriter> {
  await mkdir(options.dir, { recursive: true });
  const existing = await readdir(options.dir);
  if (existing.length > 0) {
    throw new ModuleError(
      'input-not-empty',
      `${options.dir} is not empty (${existing.length} entries, e.g. ${existing[0]})`,
      {
        hint: 'Give a new or empty folder; mercure starts every case in a fresh folder.',
      },
    );
  }
  const extra = (options.extraTags ?? []).map((spec) => ({ spec, key: tagKeyOf(spec) }));
  const keywords = [...HEADER_KEYWORDS, ...extra.map((e) => e.spec)];
  const peer = {
    senderAddress: options.senderAddress ?? DEFAULT_PEER.senderAddress,
    senderAet: options.senderAet ?? DEFAULT_PEER.senderAet,
    receiverAet: options.receiverAet ?? DEFAULT_PEER.receiverAet,
  };
  const files: InputFile[] = [];
  const series = new Map<string, InputSeries>();
  const studies = new Set<string>();
  const names = new Set<string>();

  const add = async (bytes: Uint8Array, origin = `file ${files.length + 1}`): Promise<InputFile> => {
    if (options.signal?.aborted)
      throw new ModuleError('interrupted', `interrupted while writing ${options.dir}`, { kind: 'environment' });
    const header = parseDicomHeader(bytes, keywords);
    const seriesUid = requireName(header, 'SeriesInstanceUID', origin);
    const sopUid = requireName(header, 'SOPInstanceUID', origin);
    const modality = header['Modality'] ?? '';
    if (/[/\\\0]/.test(modality))
      throw new ModuleError('input-bad-uid', `${origin}: Modality "${modality}" cannot be part of a file name`);
    const name = inputFileName(seriesUid, modality, sopUid);
    if (names.has(name)) {
      throw new ModuleError(
        'input-duplicate-instance',
        `${origin}: SOPInstanceUID ${sopUid} appears twice in series ${seriesUid}`,
        {
          hint: 'Every DICOM instance needs its own SOPInstanceUID; remove the copy.',
        },
      );
    }
    if (options.level === 'series' && series.size === 1 && !series.has(seriesUid)) {
      throw new ModuleError(
        'input-series-count',
        `${origin} belongs to series ${seriesUid}, but a series-level case holds only ${[...series.keys()][0]}`,
        {
          hint: 'Give the files of one series, or use level "study".',
        },
      );
    }
    const values: Record<string, string> = { ...header };
    for (const e of extra) values[e.key] = header[e.spec] ?? '';
    const storescp = storescpName(modality, sopUid);
    const tags = buildTags({ values, filename: storescp, ...peer, extraTags: extra.map((e) => e.key) });
    const tagsName = `${seriesUid}#${storescp}.tags`;
    // Bookkeeping happens before the first await, so concurrent adds see each other's names.
    names.add(name);
    studies.add(header['StudyInstanceUID'] ?? '');
    const entry = series.get(seriesUid) ?? {
      seriesInstanceUid: seriesUid,
      modality,
      seriesDescription: tags['SeriesDescription'] ?? '',
      files: 0,
    };
    entry.files += 1;
    series.set(seriesUid, entry);
    const file: InputFile = { name, tagsName, seriesInstanceUid: seriesUid, sopInstanceUid: sopUid, tags };
    files.push(file);
    await Promise.all([
      writeFile(path.join(options.dir, name), bytes),
      writeFile(path.join(options.dir, tagsName), serializeTags(tags)),
    ]);
    return file;
  };

  const finish = async (): Promise<InputFolder> => {
    const first = files[0];
    if (first === undefined) throw new ModuleError('input-no-dicom', `no DICOM files were given for ${options.dir}`);
    if (studies.size > 1) {
      throw new ModuleError(
        'input-mixed-studies',
        `the case holds ${studies.size} studies (${[...studies].join(', ')}); mercure groups a case by one StudyInstanceUID`,
        {
          hint: 'Give the series of one study only.',
        },
      );
    }
    const studyUid = first.tags['StudyInstanceUID'] ?? '';
    if (options.level === 'study' && studyUid === '') {
      throw new ModuleError(
        'input-missing-uid',
        `${first.name} has no StudyInstanceUID; a study-level case is keyed by it`,
      );
    }
    const taskSeries: TaskSeries[] = [...series.values()].map((s) => ({
      seriesInstanceUid: s.seriesInstanceUid,
      seriesDescription: s.seriesDescription,
    }));
    // mercure composes the task from the tags of the file that completed the series or study.
    const tags = first.tags;
    const task = buildTask({
      level: options.level,
      uid: options.level === 'series' ? first.seriesInstanceUid : studyUid,
      id: options.taskId ?? randomUUID(),
      moduleName: options.moduleName,
      dockerTag: options.dockerTag,
      now: options.now,
      series: taskSeries,
      patientName: tags['PatientName'] ?? '',
      mrn: tags['PatientID'] ?? '',
      acc: tags['AccessionNumber'] ?? '',
      deviceSerialNumber: tags['DeviceSerialNumber'] ?? '',
      ...peer,
      ...pick(options, ['settings', 'moduleSettings', 'module', 'ruleName']),
    });
    await writeFile(path.join(options.dir, TASK_FILE), serializeTask(task));
    return { dir: options.dir, task, files, series: [...series.values()] };
  };

  return { add, finish };
}

function requireName(header: DicomHeader, keyword: 'SeriesInstanceUID' | 'SOPInstanceUID', origin: string): string {
  const value = header[keyword] ?? '';
  if (value === '') {
    throw new ModuleError('input-missing-uid', `${origin} has no ${keyword}; mercure cannot file it into a series`, {
      hint: 'Only DICOM images and objects with Series and SOP Instance UIDs can go into a case.',
    });
  }
  if (/[/\\\0]/.test(value) || value === '.' || value === '..') {
    throw new ModuleError('input-bad-uid', `${origin}: ${keyword} "${value}" cannot be part of a file name`);
  }
  return value;
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}
