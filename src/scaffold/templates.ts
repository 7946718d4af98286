import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModuleError } from '../errors.js';

/** The languages `init` can write a module in. */
export const LANGUAGES = ['python'] as const;
/** One of LANGUAGES. */
export type Language = (typeof LANGUAGES)[number];

/** One file of a template: where it is stored, where it goes in the module, and its mode. */
export interface TemplateFile {
  /** Path under the language's template folder (dot files are stored without the dot, see below). */
  from: string;
  /** Path in the new module. */
  to: string;
  mode: number;
}

// Stored without leading dots: npm drops `.gitignore` from packages, and a `.gitattributes` or
// `.github/` inside our own tree would act on this repository.
const PYTHON: readonly TemplateFile[] = [
  { from: 'Dockerfile', to: 'Dockerfile', mode: 0o644 },
  { from: 'docker-entrypoint.sh', to: 'docker-entrypoint.sh', mode: 0o755 },
  { from: 'module.py', to: 'module.py', mode: 0o644 },
  { from: 'requirements.txt', to: 'requirements.txt', mode: 0o644 },
  { from: 'Makefile', to: 'Makefile', mode: 0o644 },
  { from: 'README.md', to: 'README.md', mode: 0o644 },
  { from: 'dockerignore', to: '.dockerignore', mode: 0o644 },
  { from: 'gitattributes', to: '.gitattributes', mode: 0o644 },
  { from: 'gitignore', to: '.gitignore', mode: 0o644 },
  { from: 'github/workflows/ci.yml', to: '.github/workflows/ci.yml', mode: 0o644 },
];

/** Every template's files, by language. */
export const TEMPLATES: Readonly<Record<Language, readonly TemplateFile[]>> = { python: PYTHON };

/** The values a template's `%%KEY%%` placeholders are replaced by. */
export type TemplateValues = Readonly<Record<string, string>>;

/**
 * The folder that holds the templates: src/scaffold/templates under the package root. This file
 * runs from src/scaffold (tsx, tests) or build/scaffold (tsc output), two levels below the root
 * either way; tsc copies no data files, so both read the templates from src/.
 */
export function templatesRoot(): string {
  const root = fileURLToPath(new URL('../../src/scaffold/templates/', import.meta.url));
  if (!existsSync(root)) {
    throw new ModuleError('templates-missing', `the module templates are not at ${root}`, {
      kind: 'environment',
      hint: 'The installation is incomplete: reinstall mercure-module-kit (its package must include src/scaffold/templates).',
    });
  }
  return root;
}

/** Replaces every `%%KEY%%` and normalises line endings to LF (a Windows checkout may have added CR). */
export function renderTemplate(text: string, values: TemplateValues): string {
  const rendered = text.replace(/%%([A-Z_]+)%%/g, (whole, key: string) => {
    const value = values[key];
    // A template naming a value nobody provides is our bug: fail loudly rather than write it out.
    if (value === undefined) throw new Error(`template placeholder ${whole} has no value`);
    return value;
  });
  return rendered.replace(/\r\n/g, '\n');
}

/** Reads and renders every file of a language's template, in manifest order. */
export async function renderFiles(
  language: Language,
  values: TemplateValues,
): Promise<{ file: TemplateFile; text: string }[]> {
  const folder = path.join(templatesRoot(), language);
  return Promise.all(
    TEMPLATES[language].map(async (file) => ({
      file,
      text: renderTemplate(await readFile(path.join(folder, file.from), 'utf8'), values),
    })),
  );
}
