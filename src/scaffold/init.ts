import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { requireWritable } from '../local/index.js';
import { KIT_VERSION } from '../version.js';
import { moduleNames, PLACEHOLDER_NAMESPACE, type ModuleNames } from './names.js';
import { LANGUAGES, renderFiles, type Language } from './templates.js';

/** Options of `mercure-module init`. */
export interface InitOptions {
  /** The folder to create the module in: new, empty, or anything with `force`. */
  dir: string;
  /** Module name (default: the folder's name). */
  name?: string;
  /** Docker Hub user or organisation, or registry/path (default: a placeholder to replace). */
  namespace?: string;
  language?: string;
  /** Write into a non-empty folder, replacing files of the same names (others are kept). */
  force?: boolean;
  /** The base image the Dockerfile defaults to (`ARG BASE_IMAGE`). */
  baseImage?: string;
}

/** One file init wrote. */
export interface WrittenFile {
  path: string;
  /** `replaced` when --force overwrote a file that was there. */
  action: 'created' | 'replaced';
}

/** What init did, for the terminal and --json. */
export interface InitReport extends ModuleNames {
  dir: string;
  language: Language;
  /** True when no --namespace was given and the image name holds a placeholder. */
  placeholderNamespace: boolean;
  files: WrittenFile[];
}

/** The public base the generated Dockerfile defaults to: pinned to a Python and Debian release. */
export const DEFAULT_BASE_IMAGE = 'python:3.12-slim-bookworm';

/**
 * Writes a complete module repository into `dir`: Dockerfile, entry script, a Python module that
 * reads its settings from task.json and writes a new series, a Makefile calling this CLI, ignore
 * and attribute files, a GitHub workflow and a README. Refuses a non-empty folder without `force`.
 */
export async function initModule(options: InitOptions): Promise<InitReport> {
  const language = checkLanguage(options.language ?? 'python');
  const dir = path.resolve(options.dir);
  const names = moduleNames({ name: options.name, namespace: options.namespace, folderName: path.basename(dir) });
  await prepareFolder(options.dir, dir, options.force === true);

  const rendered = await renderFiles(language, {
    NAME: names.name,
    NAMESPACE: names.namespace,
    IMAGE: names.image,
    KIT_VERSION,
    BASE_IMAGE: options.baseImage ?? DEFAULT_BASE_IMAGE,
  });
  const files: WrittenFile[] = [];
  for (const { file, text } of rendered) {
    const target = path.join(dir, file.to);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new ModuleError(
        'init-conflict',
        `${path.join(options.dir, file.to)} is a folder, where init writes a file`,
        {
          hint: 'Move the folder away, or init into a new folder.',
        },
      );
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text, { mode: file.mode });
    // writeFile applies the mode only to a new file (and through the umask): set it explicitly.
    await chmod(target, file.mode);
    files.push({ path: file.to, action: existing ? 'replaced' : 'created' });
  }
  return { ...names, dir: options.dir, language, placeholderNamespace: options.namespace === undefined, files };
}

function checkLanguage(language: string): Language {
  if ((LANGUAGES as readonly string[]).includes(language)) return language as Language;
  throw new ModuleError('bad-language', `--language must be one of ${LANGUAGES.join(', ')}, got "${language}"`, {
    hint: 'Modules in other languages work too (any image with a CMD): start from the python template and replace module.py.',
  });
}

/** Creates the folder, or checks that an existing one is empty (unless forced). */
async function prepareFolder(shown: string, dir: string, force: boolean): Promise<void> {
  await requireWritable(dir, 'the module folder', {
    hint: 'Give a folder on a writable disk (for example under your home folder).',
  });
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new ModuleError('not-a-folder', `${shown} exists and is not a folder`, { hint: 'Choose a new folder name.' });
  }
  if (!info) {
    await mkdir(dir, { recursive: true });
    return;
  }
  const entries = await readdir(dir);
  if (entries.length === 0 || force) return;
  const shownEntries = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
  throw new ModuleError('folder-not-empty', `${shown} is not empty (${shownEntries})`, {
    hint: 'Init into a new or empty folder, or pass --force to write the module files into it (files of the same names are replaced, others kept).',
  });
}

/** What to do after init, as shell commands with a comment each (shared by the CLI output and the README). */
export function nextSteps(report: Pick<InitReport, 'dir' | 'image' | 'placeholderNamespace'>): string[] {
  const steps = [
    `cd ${report.dir}`,
    'make validate                  # static checks, build, smoke run exactly as mercure runs it',
    'git init && git add -A && git commit -m "New mercure module"',
    'make release VERSION=0.1.0     # or push the tag v0.1.0 and let .github/workflows/ci.yml publish it',
  ];
  if (report.placeholderNamespace) {
    steps.unshift(
      `# no --namespace: the image is ${report.image}; replace ${PLACEHOLDER_NAMESPACE} in Makefile, README.md and .github/workflows/ci.yml`,
    );
  }
  return steps;
}
