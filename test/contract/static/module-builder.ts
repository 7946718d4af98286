import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/** A file to write over the copy of examples/blur: text, or text with a mode; null deletes it. */
export type FileSpec = string | { text: string; mode: number } | null;

/** Builds throw-away module folders from examples/blur with some files replaced; remove() deletes them all. */
export class ModuleBuilder {
  private readonly dirs: string[] = [];

  /** A copy of examples/blur outside any git work tree (so modes come from the disk). */
  async module(files: Record<string, FileSpec> = {}): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'static-check-'));
    this.dirs.push(dir);
    await cp('examples/blur', dir, { recursive: true });
    for (const [path, spec] of Object.entries(files)) {
      const target = join(dir, path);
      if (spec === null) {
        await rm(target, { recursive: true, force: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, typeof spec === 'string' ? spec : spec.text);
      if (typeof spec !== 'string') await chmod(target, spec.mode);
    }
    return dir;
  }

  /** Makes dir a git repository with everything committed as it is on disk. */
  async commit(dir: string): Promise<void> {
    const git = (...args: string[]) =>
      execa('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.org', ...args], { cwd: dir });
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'module');
  }

  async remove(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** The example's Dockerfile with `lines` in place of everything from WORKDIR on. */
export function dockerfile(...lines: string[]): string {
  return ['ARG BASE_IMAGE=python:3.12-slim-bookworm', 'FROM ${BASE_IMAGE}', ...lines, ''].join('\n');
}

/** The example's entry script with extra lines before its exec. */
export function entryScript(...lines: string[]): string {
  return [
    '#!/usr/bin/env bash',
    'set -Eeo pipefail',
    ...lines,
    'exec python3 /app/blur.py "$MERCURE_IN_DIR" "$MERCURE_OUT_DIR"',
    '',
  ].join('\n');
}
