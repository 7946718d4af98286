import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cleanupOnExit } from '../../cleanup.js';
import { requireWritable } from '../../local/index.js';
import { MAX_TASK_BYTES, readRegularText } from '../../regular-file.js';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { parseExactJson } from '../../exact-json.js';
import { TASK_FILE, writeInputFolder } from '../../mercure/input-folder.js';
import { createSyntheticSeries } from '../../mercure/synthetic.js';
import { importDicomFolder } from '../../mercure/import-folder.js';
import { toPythonJson } from '../../mercure/python-json.js';
import type { Module } from '../../mercure/task.js';

/** Where a smoke run's case comes from, and how mercure would have configured the module. */
export interface CaseSource {
  level: 'series' | 'study';
  /** The rule's processing settings (task.json process.settings). */
  settings: Record<string, unknown>;
  /** A mercure case folder (with task.json) to copy, or a folder of DICOM files to import. */
  fixtures?: string;
  dockerTag: string;
  moduleName?: string;
  /** The module's own default settings (module_config.settings), under `settings`. */
  moduleSettings?: Record<string, unknown>;
  /** Other fields of task.json's module_config (from the module's stored configuration). */
  module?: Partial<Omit<Module, 'docker_tag' | 'settings'>>;
  /** Synthetic series size (default 12 slices of 128x128: quick, yet a real volume). */
  slices?: number;
  matrix?: number;
  now?: Date;
  /** Stops the writing between two files; the partial folder is then removed. */
  signal?: AbortSignal;
}

/**
 * Fills a case's in/ folder: a copy of a given mercure case (its task.json settings replaced
 * when --settings is given), an import of the user's DICOM folder, or synthetic series (one CT at
 * series level; CT and MR at study level).
 */
export async function prepareCase(inDir: string, source: CaseSource): Promise<void> {
  return writingCase(inDir, source.signal, () => fillCase(inDir, source));
}

/**
 * Runs `write` into the case folder `dir` so that nothing half-done stays: the folder is checked
 * writable first (a file there, a read-only disk: a clear error before any work); when the writing
 * fails or is interrupted (SIGINT, or the process's clean-up after a second one), what it wrote
 * goes again: the folder itself when it was new, its entries when it was empty, nothing otherwise.
 */
export async function writingCase<T>(
  dir: string,
  signal: AbortSignal | undefined,
  write: () => Promise<T>,
): Promise<T> {
  await requireWritable(dir, 'the input folder', {
    hint: 'Give a new or empty folder on a writable disk (for example under your home folder or /tmp).',
  });
  const existed = (await stat(dir).catch(() => undefined)) !== undefined;
  // A folder that already holds something is never ours to clear: the write refuses it anyway.
  const ours = !existed || (await readdir(dir).catch(() => ['?'])).length === 0;
  const undo = async (): Promise<void> => {
    if (!ours) return;
    if (!existed) return rm(dir, { recursive: true, force: true });
    const entries = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(entries.map((entry) => rm(path.join(dir, entry), { recursive: true, force: true })));
  };
  const forget = cleanupOnExit(undo);
  try {
    const result = await write();
    signal?.throwIfAborted();
    return result;
  } catch (error) {
    await undo();
    if (signal?.aborted)
      throw new ModuleError('interrupted', `interrupted: the partial input folder ${dir} was removed`, {
        kind: 'environment',
        cause: error,
      });
    throw error;
  } finally {
    forget();
  }
}

async function fillCase(inDir: string, source: CaseSource): Promise<void> {
  const now = source.now ?? new Date();
  const moduleName = source.moduleName ?? 'module-under-test';
  const common = {
    dir: inDir,
    level: source.level,
    moduleName,
    dockerTag: source.dockerTag,
    settings: source.settings,
    ...(source.moduleSettings ? { moduleSettings: source.moduleSettings } : {}),
    ...(source.module ? { module: source.module } : {}),
    now,
    ...(source.signal ? { signal: source.signal } : {}),
  };
  if (source.fixtures !== undefined) {
    if (await isCaseFolder(source.fixtures)) return copyCase(source.fixtures, inDir, source.settings);
    await importDicomFolder({ ...common, from: source.fixtures });
    return;
  }
  const size = { slices: source.slices ?? 12, rows: source.matrix ?? 128, columns: source.matrix ?? 128, now };
  const seed = `smoke-${now.toISOString()}`;
  const series = [createSyntheticSeries({ modality: 'CT', seed, ...size })];
  if (source.level === 'study') series.push(createSyntheticSeries({ modality: 'MR', seed, seriesNumber: 2, ...size }));
  await writeInputFolder({ ...common, series });
}

async function isCaseFolder(dir: string): Promise<boolean> {
  return (await stat(path.join(dir, TASK_FILE)).catch(() => undefined))?.isFile() === true;
}

/** Copies a prepared case (flat, as mercure lays it out); --settings replaces process.settings. */
async function copyCase(from: string, inDir: string, settings: Record<string, unknown>): Promise<void> {
  await mkdir(inDir, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isFile()) await copyFile(path.join(from, entry.name), path.join(inDir, entry.name));
  }
  // Checked with or without --settings: a broken task.json must not reach the module unchecked.
  const taskPath = path.join(inDir, TASK_FILE);
  let task: { process?: { settings?: Record<string, unknown> } };
  let text = '';
  try {
    text = await readRegularText(taskPath, MAX_TASK_BYTES);
    // Exact: a big integer the case's own task.json holds stays exact when --settings is merged in.
    task = parseExactJson(text) as typeof task;
  } catch (error) {
    const at = /at position (\d+)/.exec((error as Error).message);
    const line = at ? `:${text.slice(0, Number(at[1])).split('\n').length}` : '';
    throw new ModuleError(
      'bad-task-json',
      `${path.join(from, TASK_FILE)}${line} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (Object.keys(settings).length === 0) return;
  if (!task.process || typeof task.process !== 'object') {
    throw new ModuleError(
      'bad-task-json',
      `${path.join(from, TASK_FILE)} has no "process" object, so --settings cannot be applied`,
    );
  }
  task.process.settings = { ...(task.process.settings ?? {}), ...settings };
  // As mercure writes it: Python's json.dump formatting.
  await writeFile(taskPath, toPythonJson(task));
}
