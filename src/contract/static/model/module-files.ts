import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** One path of the build context, as `docker build` would send it (before .dockerignore). */
export interface ContextEntry {
  /** Path relative to the module folder, '/'-separated. */
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  /** Bytes (apparent size: what the build would send). */
  size: number;
  /** Permission bits on disk. */
  mode: number;
  /** Where a symlink points, as written in the link. */
  linkTarget?: string;
}

/** Where a file's permission bits come from: git's index (what a clone gets) or the disk. */
export interface FileMode {
  mode: number;
  source: 'git' | 'disk';
  /** The mode on disk, when git records a different executable bit. */
  diskMode?: number;
}

/** The module folder, read once: every path in it, git's recorded modes, and file text on demand. */
export interface ModuleFiles {
  dir: string;
  /** Every path below dir (nothing skipped), by relative path. */
  entries: ReadonlyMap<string, ContextEntry>;
  /** Sum of all file sizes. */
  totalBytes: number;
  /** The permission bits a build from a fresh clone would see. */
  modeOf(path: string): FileMode | undefined;
  /** The file's text ('\r' kept), or undefined when it is missing, not a file or larger than maxBytes. */
  readText(path: string, maxBytes?: number): Promise<string | undefined>;
}

const DEFAULT_MAX_TEXT = 2 * 1024 * 1024;

/** Walks the module folder and asks git (when the folder is in a work tree) for the recorded modes. */
export async function readModuleFiles(dir: string): Promise<ModuleFiles> {
  const entries = new Map<string, ContextEntry>();
  await walk(dir, '', entries);
  let totalBytes = 0;
  for (const entry of entries.values()) if (entry.kind === 'file') totalBytes += entry.size;
  const gitModes = await readGitModes(dir);
  const texts = new Map<string, Promise<string | undefined>>();
  return {
    dir,
    entries,
    totalBytes,
    modeOf(path) {
      const entry = entries.get(path);
      if (entry === undefined) return undefined;
      const recorded = gitModes?.get(path);
      // Git stores only 100755 or 100644; a clone checks files out as 0755 / 0644.
      if (recorded === '100755' || recorded === '100644') {
        const mode = recorded === '100755' ? 0o755 : 0o644;
        const result: FileMode = { mode, source: 'git' };
        if (((entry.mode & 0o111) !== 0) !== (mode === 0o755)) result.diskMode = entry.mode;
        return result;
      }
      return { mode: entry.mode, source: 'disk' };
    },
    readText(path, maxBytes = DEFAULT_MAX_TEXT) {
      const entry = entries.get(path);
      if (entry?.kind !== 'file' || entry.size > maxBytes) return Promise.resolve(undefined);
      let text = texts.get(path);
      if (text === undefined) {
        text = readFile(join(dir, path), 'utf8').catch(() => undefined);
        texts.set(path, text);
      }
      return text;
    },
  };
}

async function walk(root: string, prefix: string, into: Map<string, ContextEntry>): Promise<void> {
  const names = await readdir(join(root, prefix));
  await Promise.all(
    names.map(async (name) => {
      const path = prefix === '' ? name : `${prefix}/${name}`;
      // lstat: the build sends symlinks as links, it does not follow them.
      const info = await lstat(join(root, path));
      const kind = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'symlink' : 'other';
      const entry: ContextEntry = { path, kind, size: info.size, mode: info.mode & 0o7777 };
      if (kind === 'symlink') {
        const target = await readlink(join(root, path)).catch(() => undefined);
        if (target !== undefined) entry.linkTarget = target;
      }
      into.set(path, entry);
      if (kind === 'dir') await walk(root, path, into);
    }),
  );
}

/** `git ls-files --stage` in dir: path (relative to dir) -> mode, or undefined outside a work tree. */
async function readGitModes(dir: string): Promise<Map<string, string> | undefined> {
  const result = await execa('git', ['ls-files', '--stage', '-z'], {
    cwd: dir,
    reject: false,
    stripFinalNewline: false,
  });
  if (result.failed || typeof result.stdout !== 'string') return undefined;
  const modes = new Map<string, string>();
  for (const record of result.stdout.split('\0')) {
    // "<mode> <object> <stage>\t<path>"
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    modes.set(record.slice(tab + 1), record.slice(0, record.indexOf(' ')));
  }
  return modes;
}
