import { inputForMessage, ModuleError } from '../errors.js';
import { MAX_SETTINGS_FILE_BYTES, readRegularTextSync } from '../regular-file.js';

/** Collects repeatable `--build-arg KEY=VALUE` options into a record. */
export function collectBuildArg(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new ModuleError('bad-build-arg', `--build-arg expects KEY=VALUE, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `--settings`: a JSON object given inline or as @file. */
export function parseSettings(value: string): Record<string, unknown> {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readRegularTextSync(value.slice(1), MAX_SETTINGS_FILE_BYTES);
    } catch (error) {
      throw new ModuleError('bad-settings', `--settings file cannot be read: ${(error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModuleError('bad-settings', `--settings is not valid JSON: ${(error as Error).message}`, {
      hint: `Give a JSON object, e.g. --settings '{"radius": 2}', or @settings.json.`,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ModuleError('bad-settings', '--settings must be a JSON object, e.g. {"radius": 2}');
  }
  if (depthOf(parsed) > MAX_SETTINGS_DEPTH) {
    throw new ModuleError(
      'bad-settings',
      `--settings nests deeper than ${MAX_SETTINGS_DEPTH} levels: module settings are a flat or shallow object`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Deeper settings than this are refused: every later step (task.json, reports) walks them recursively. */
const MAX_SETTINGS_DEPTH = 32;

/** How deep a JSON value nests, without recursion (a hostile value may nest very deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_SETTINGS_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A positive number of seconds. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ModuleError('bad-timeout', `--timeout expects a positive number of seconds, got "${value}"`);
  }
  return seconds;
}

/** A positive whole number for counts and sizes, at most `max`. */
export function parseCount(name: string, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new ModuleError('bad-number', `${name} expects a positive whole number, got "${inputForMessage(value)}"`);
    if (n > max) throw new ModuleError('bad-number', `${name} is at most ${max}, got ${n}`);
    return n;
  };
}

/** `--level series|study`. */
export function parseLevel(value: string): 'series' | 'study' {
  if (value !== 'series' && value !== 'study') {
    throw new ModuleError('bad-level', `--level must be "series" or "study", got "${value}"`);
  }
  return value;
}

/** Collects a repeatable option into a list. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Synthetic series sizes beyond these are a typo, not a test case (5000 x 2048² x 2 bytes is 40 GB). */
export const MAX_SLICES = 5000;
export const MAX_MATRIX = 2048;
