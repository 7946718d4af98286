// The one place temp folders are rooted (case folders, push spools, buildx's ID file). A TMPDIR that
// is missing, a file or read-only falls back to /tmp, said out loud; when /tmp cannot be written
// either, the command stops before any work with the reason.
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { ModuleError } from '../errors.js';
import type { Logger } from '../logger.js';
import { whyUnwritable, type Unwritable } from './folders.js';

const FALLBACK = '/tmp';
/** Checked once per TMPDIR value (tests change it in-process); warned once per logger. */
const checked = new Map<string, Promise<{ root: string; why?: Unwritable }>>();
const warned = new WeakMap<object, Set<string>>();

/** os.tmpdir() when it can be written, else /tmp with a warning, else a ModuleError (exit 3). */
export async function tempRoot(logger?: Logger): Promise<string> {
  const wanted = os.tmpdir();
  let choice = checked.get(wanted);
  if (!choice) {
    choice = choose(wanted);
    checked.set(wanted, choice);
    choice.catch(() => checked.delete(wanted));
  }
  const { root, why } = await choice;
  if (why && logger) {
    const seen = warned.get(logger) ?? new Set<string>();
    warned.set(logger, seen);
    if (!seen.has(wanted)) {
      seen.add(wanted);
      logger.warn(`the temp folder ${wanted} (TMPDIR) ${said(wanted, why)}; using ${root} instead`);
    }
  }
  return root;
}

async function choose(wanted: string): Promise<{ root: string; why?: Unwritable }> {
  const why = await unusable(wanted);
  if (!why) return { root: wanted };
  const fallback = wanted === FALLBACK ? why : await unusable(FALLBACK);
  if (!fallback) return { root: FALLBACK, why };
  const also = wanted === FALLBACK ? '' : `, and ${FALLBACK} ${said(FALLBACK, fallback)}`;
  throw new ModuleError(
    'temp-unwritable',
    `no temp folder can be written: ${wanted} (TMPDIR) ${said(wanted, why)}${also}`,
    {
      kind: 'environment',
      hint: 'Set TMPDIR to a writable folder on a local disk (the Docker Engine bind-mounts case folders from it).',
    },
  );
}

/** Why `dir` is no temp root: it must exist (a missing TMPDIR is not ours to create) and be writable. */
async function unusable(dir: string): Promise<Unwritable | undefined> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return { reason: 'does not exist', at: dir };
  return whyUnwritable(dir);
}

function said(dir: string, why: Unwritable): string {
  return `cannot be used: ${why.at === dir ? 'it' : why.at} ${why.reason}`;
}
