import { mkdir, rename, writeFile } from 'node:fs/promises';
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

/** Records that an image ID passed validate (written atomically; the newest record wins). */
export async function recordValidation(record: ValidationRecord, dir = stateDir()): Promise<void> {
  const records = (await load(dir)).filter((r) => r.imageId !== record.imageId);
  records.push(record);
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, FILE);
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(records.slice(-KEEP), null, 2)}\n`);
  await rename(temp, target);
}

/** The record for an image ID, if it ever passed validate. */
export async function findValidation(imageId: string, dir = stateDir()): Promise<ValidationRecord | undefined> {
  return (await load(dir)).find((r) => r.imageId === imageId);
}
