// Can this machine write where a command is about to write? Asked before the work starts, so a
// read-only HOME or working folder, a missing TMPDIR or a file where a folder should be is a clear
// error (or a fallback said out loud) instead of exit 70 after a minute of building and running.
import { lstat, mkdtemp, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModuleError, type ErrorKind } from '../errors.js';

/** Why a folder cannot be written, in words; undefined when it can. */
export type Unwritable = { reason: string; at: string };

/**
 * Whether `dir` can be written: created if missing (its nearest existing ancestor must then be a
 * writable folder), or written into if it exists. It tries for real, by creating and removing an
 * empty folder: permission bits say nothing for root, and only a write finds a read-only mount.
 * Nothing is left behind.
 */
export async function whyUnwritable(dir: string): Promise<Unwritable | undefined> {
  let at = path.resolve(dir);
  for (;;) {
    const info = await lstat(at).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (info.isSymbolicLink()) {
        const target = await stat(at).catch(() => undefined);
        if (!target) return { reason: 'is a symbolic link to nowhere', at };
        if (!target.isDirectory()) return { reason: 'is a symbolic link to something that is not a folder', at };
      } else if (!info.isDirectory()) {
        return { reason: info.isFile() ? 'is a file, not a folder' : 'is not a folder', at };
      }
      break;
    }
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR') return { reason: describe(info), at };
    const parent = path.dirname(at);
    if (parent === at) return { reason: 'does not exist', at };
    at = parent;
  }
  try {
    await rmdir(await mkdtemp(path.join(at, '.mercure-module-probe-')));
    return undefined;
  } catch (error) {
    return { reason: describe(error as NodeJS.ErrnoException), at };
  }
}

/** An errno as the words a person would use. */
function describe(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EROFS':
      return 'is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'is not writable by this user';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'has no space left';
    case 'ENOTDIR':
      return 'has a file where a folder should be';
    default:
      return `cannot be written (${error.code ?? error.message})`;
  }
}

/**
 * Throws a ModuleError when `dir` cannot be written (see whyUnwritable). `what` names the folder's
 * role ("the folder fixtures writes"), `kind` whose fault it is: usage for a folder the user named,
 * environment for one the machine gives (TMPDIR, the state folder).
 */
export async function requireWritable(
  dir: string,
  what: string,
  options: { kind?: ErrorKind; hint: string; code?: string },
): Promise<void> {
  const why = await whyUnwritable(dir);
  if (!why) return;
  const subject = path.resolve(dir) === why.at ? 'it' : why.at;
  throw new ModuleError(
    options.code ?? 'folder-unwritable',
    `${what} ${dir} cannot be written: ${subject} ${why.reason}`,
    {
      kind: options.kind ?? 'usage',
      hint: options.hint,
    },
  );
}
