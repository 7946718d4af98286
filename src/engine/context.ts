import { readdir } from 'node:fs/promises';
import { readRegularText } from '../regular-file.js';
import path from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import tar from 'tar-fs';

/** The files of a build context after .dockerignore, as Docker itself would send them. */
export interface BuildContext {
  dir: string;
  /** Paths relative to dir, with forward slashes, sorted. */
  files: string[];
}

/**
 * Lists a build context the way `docker build` does: every file below dir except those that
 * .dockerignore excludes (Docker's rules, including `!` re-includes inside excluded folders);
 * the Dockerfile and .dockerignore themselves are always sent.
 */
export async function listBuildContext(dir: string, dockerfile = 'Dockerfile'): Promise<BuildContext> {
  const patterns = await readRegularText(path.join(dir, '.dockerignore'), 1024 * 1024).catch(() => '');
  // A CommonJS module whose default export sits on .default under NodeNext.
  const rules = dockerignore.default().add(patterns.split(/\r?\n/));
  const always = new Set([normalise(dockerfile), '.dockerignore']);
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (always.has(child) || !rules.ignores(child)) files.push(child);
    }
  };
  await walk('');
  files.sort();
  return { dir, files };
}

/** A tar stream of exactly the listed files, for the Engine's build endpoint. */
export function packBuildContext(context: BuildContext): Readable {
  return tar.pack(context.dir, { entries: context.files }) as unknown as Readable;
}

function normalise(file: string): string {
  return file.split(path.sep).join('/').replace(/^\.\//, '');
}
