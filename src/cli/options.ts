import { readFileSync } from 'node:fs';
import { ModuleError } from '../errors.js';

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
      text = readFileSync(value.slice(1), 'utf8');
    } catch {
      throw new ModuleError('bad-settings', `--settings file ${value.slice(1)} cannot be read`);
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
  return parsed as Record<string, unknown>;
}

/** A positive number of seconds. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ModuleError('bad-timeout', `--timeout expects a positive number of seconds, got "${value}"`);
  }
  return seconds;
}

/** A positive whole number for counts and sizes. */
export function parseCount(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new ModuleError('bad-number', `${name} expects a positive whole number, got "${value}"`);
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
