/**
 * Writing a built-in variant as a mercure input folder (files named and .tags written by the same
 * code as every other case, task.json at the variant's level), and finding the user's own
 * variants: each subfolder of a --matrix-source folder (the pipeline imports them like --fixtures).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { readDicomHeader } from '../dicom.js';
import { TASK_FILE, writeInputFolder, type CaseOptions, type InputFolder } from '../input-folder.js';
import type { BuiltinVariant, UserVariant, VariantContext } from './variant.js';

/** The case a variant is written as, minus what the variant decides (its level). */
export type VariantCaseOptions = Omit<CaseOptions, 'level'>;

/** Writes a built-in variant into `options.dir` (new or empty) as a mercure input folder. */
export async function writeVariant(
  variant: BuiltinVariant,
  options: VariantCaseOptions,
  ctx: VariantContext,
): Promise<InputFolder> {
  return writeInputFolder({ ...options, level: variant.level, series: await variant.build(ctx) });
}

/**
 * The user's variants: one per subfolder of `root` (DICOM files in any layout, or a mercure case
 * folder with task.json), named `user:<subfolder>`, at series level when the folder holds one
 * series and at study level when it holds several.
 */
export async function userVariants(root: string): Promise<UserVariant[]> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ModuleError('no-such-folder', `--matrix-source ${root} is not a folder`, {
      hint: 'Give a folder with one subfolder of anonymised DICOM files per variant.',
    });
  }
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (folders.length === 0) {
    throw new ModuleError('matrix-source-empty', `--matrix-source ${root} has no subfolders`, {
      hint: 'Put each variant (a folder of DICOM files of one series or one study) in its own subfolder.',
    });
  }
  const variants: UserVariant[] = [];
  for (const name of folders) {
    const from = path.join(root, name);
    variants.push({
      name: `user:${name}`,
      description: `your files in ${from}`,
      exercises: 'your own data',
      tier: 'quick',
      source: 'user',
      level: await levelOf(from),
      from,
    });
  }
  return variants;
}

/** Series level unless the folder holds DICOM files of several series (or is a study-level mercure case). */
async function levelOf(from: string): Promise<'series' | 'study'> {
  const task = await readFile(path.join(from, TASK_FILE), 'utf8').catch(() => undefined);
  if (task !== undefined) return /"uid_type":\s*"study"/.test(task) ? 'study' : 'series';
  const series = new Set<string>();
  for (const file of await listFiles(from)) {
    try {
      series.add((await readDicomHeader(file, ['SeriesInstanceUID']))['SeriesInstanceUID'] ?? '');
    } catch {
      // Not DICOM, or unreadable: the import itself skips and reports those files.
    }
    if (series.size > 1) return 'study';
  }
  return 'series';
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
