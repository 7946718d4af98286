import { mkdir, rename, writeFile } from 'node:fs/promises';
import { ModuleError } from '../../errors.js';
import { requireWritable } from '../../local/index.js';
import { readRegularText } from '../../regular-file.js';
import os from 'node:os';
import path from 'node:path';

/** What a passing validate remembers about an image, so that publish can require it. */
export interface ValidationRecord {
  imageId: string;
  /** The reference the user validated (a tag or the ID itself). */
  image: string;
  validatedAt: string;
  /** The options that shaped the run (level, fixtures, root, network), for the audit trail. */
  conditions: Record<string, string | boolean | number>;
  /** The image's platform (`linux/arm64`). */
  platform?: string;
  /** Why the smoke run was skipped (this machine cannot run the platform): publish refuses such an image unless told. */
  smokeSkipped?: string;
}

/**
 * The folder where validations are recorded: $MERCURE_MODULE_STATE_DIR, else
 * $XDG_STATE_HOME/mercure-module-kit, else ~/.local/state/mercure-module-kit.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['MERCURE_MODULE_STATE_DIR']) return env['MERCURE_MODULE_STATE_DIR'];
  const base = env['XDG_STATE_HOME'] || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'mercure-module-kit');
}

const FILE = 'validated-images.json';
/** Old entries are dropped beyond this many, newest kept. */
const KEEP = 500;

async function load(dir: string): Promise<ValidationRecord[]> {
  try {
    const parsed = JSON.parse(await readRegularText(path.join(dir, FILE), 64 * 1024 * 1024)) as unknown;
    return Array.isArray(parsed) ? (parsed as ValidationRecord[]) : [];
  } catch {
    return [];
  }
}

const STATE_HINT =
  'Set MERCURE_MODULE_STATE_DIR (or XDG_STATE_HOME) to a writable folder: publish looks there for the validation.';

/**
 * Stops before any work when the validation record could not be written afterwards (a read-only
 * HOME): a smoke run that passes and then cannot be remembered would be a minute wasted.
 */
export async function requireRecordable(dir = stateDir()): Promise<void> {
  await requireWritable(dir, 'the folder validations are recorded in,', {
    code: 'state-unwritable',
    kind: 'environment',
    hint: STATE_HINT,
  });
}

/** Records that an image ID passed validate (written atomically; the newest record wins). */
export async function recordValidation(record: ValidationRecord, dir = stateDir()): Promise<void> {
  const records = (await load(dir)).filter((r) => r.imageId !== record.imageId);
  records.push(record);
  const target = path.join(dir, FILE);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, `${JSON.stringify(records.slice(-KEEP), null, 2)}\n`);
    await rename(temp, target);
  } catch (error) {
    // Checked before the run (requireRecordable); this is the folder changing under a running command.
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ModuleError('state-unwritable', `the validation passed but could not be recorded in ${dir} (${why})`, {
      kind: 'environment',
      hint: STATE_HINT,
      cause: error,
    });
  }
}

/** The record for an image ID, if it ever passed validate. */
export async function findValidation(imageId: string, dir = stateDir()): Promise<ValidationRecord | undefined> {
  return (await load(dir)).find((r) => r.imageId === imageId);
}
