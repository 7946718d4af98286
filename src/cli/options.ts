import { inputForMessage, ModuleError } from '../errors.js';
import { parseBuildArg, parseLabel, parseSettingsValue, parseTimeoutValue } from '../front-door/values.js';

/** Collects repeatable `--build-arg KEY=VALUE` options into a record (the rule: front-door/values.ts). */
export function collectBuildArg(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const [key, arg] = parseBuildArg(value, '--build-arg');
  return { ...previous, [key]: arg };
}

/** Collects repeatable `--label KEY=VALUE` options into a record. */
export function collectLabel(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const [key, label] = parseLabel(value, '--label');
  return { ...previous, [key]: label };
}

/** `--settings`: a JSON object given inline or as @file. */
export function parseSettings(value: string): Record<string, unknown> {
  return parseSettingsValue(value, '--settings', `--settings '{"radius": 2}'`);
}

/** `--timeout`: a positive number of seconds. */
export function parseSeconds(value: string): number {
  return parseTimeoutValue(value, '--timeout');
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
