import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../support/images.js';

/** The command line that runs the CLI from src/ in a fresh Node process (no build needed). */
export function cliCommandLine(): string[] {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return [process.execPath, '--import', tsx, path.join(REPO_ROOT, 'test/docs/mercure-module.ts')];
}

/**
 * Writes an executable `mercure-module` into `dir/bin` that runs the CLI from src/, so that shell
 * snippets (README blocks, a module's Makefile) run exactly as a user types them. Returns the bin folder.
 */
export async function writeCliShim(dir: string): Promise<string> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const quoted = cliCommandLine()
    .map((part) => `'${part.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const shim = path.join(bin, 'mercure-module');
  await writeFile(shim, `#!/bin/sh\nexec ${quoted} "$@"\n`);
  await chmod(shim, 0o755);
  return bin;
}
