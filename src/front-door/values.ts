/**
 * The values both front doors take as text: module settings (JSON, inline or @file), a timeout in
 * seconds and build arguments (KEY=VALUE). One rule each, so the CLI and the Action accept and refuse
 * the same things; `name` is how the door calls the option in its messages (`--settings`,
 * `input "settings"`), the rest of the wording is shared.
 */
import { MAX_TIMEOUT_SECONDS } from '../contract/smoke.js';
import { inputForMessage, ModuleError } from '../errors.js';
import { parseExactJson } from '../exact-json.js';
import { MAX_SETTINGS_FILE_BYTES, readRegularTextSync } from '../regular-file.js';

/** Deeper settings than this are refused: every later step (task.json, reports) walks them recursively. */
export const MAX_SETTINGS_DEPTH = 32;

/**
 * Module settings: a JSON object given inline or as @file (`example` shows the door's own spelling).
 * Integers beyond 2^53 come back as BigInts, exact, as mercure's Python keeps them.
 */
export function parseSettingsValue(value: string, name: string, example: string): Record<string, unknown> {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readRegularTextSync(value.slice(1), MAX_SETTINGS_FILE_BYTES);
    } catch (error) {
      throw new ModuleError('bad-settings', `${name} file cannot be read: ${(error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = parseExactJson(text);
  } catch (error) {
    throw new ModuleError('bad-settings', `${name} is not valid JSON: ${(error as Error).message}`, {
      hint: `Give a JSON object, e.g. ${example}, or @settings.json.`,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ModuleError('bad-settings', `${name} must be a JSON object, e.g. {"radius": 2}`);
  }
  if (depthOf(parsed) > MAX_SETTINGS_DEPTH) {
    throw new ModuleError(
      'bad-settings',
      `${name} nests deeper than ${MAX_SETTINGS_DEPTH} levels: module settings are a flat or shallow object`,
    );
  }
  return parsed as Record<string, unknown>;
}

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

/**
 * A timeout: a positive decimal number of seconds, at most MAX_TIMEOUT_SECONDS. Hex, exponents and
 * blanks are refused (`Number` would read "0x10" as 16 and " " as 0); past the limit a Node timer
 * fires at once, so a too-large timeout would kill the module straight away.
 */
export function parseTimeoutValue(value: string, name: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds > 0)) {
    throw new ModuleError(
      'bad-timeout',
      `${name} expects a positive number of seconds, got "${inputForMessage(value)}"`,
      { hint: 'Give whole or decimal seconds, e.g. 600 (ten minutes).' },
    );
  }
  if (seconds > MAX_TIMEOUT_SECONDS) {
    throw new ModuleError(
      'bad-timeout',
      `${name} is at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days, the longest timer Node holds), got ${value}`,
    );
  }
  return seconds;
}

/** A build argument name as a Dockerfile can use it (`$NAME`, `${NAME}`): letters, digits, _. */
const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One build argument, `KEY=VALUE`. The value may hold anything, `=` too, and is never quoted in an
 * error (build arguments sometimes carry tokens); a key with spaces or dashes is refused, since no
 * `ARG` could read it and the build would silently ignore it.
 */
export function parseBuildArg(text: string, name: string): [string, string] {
  const at = text.indexOf('=');
  if (at === -1) {
    throw new ModuleError('bad-build-arg', `${name} expects KEY=VALUE, got "${inputForMessage(text)}"`, {
      hint: 'Give e.g. BASE_IMAGE=python:3.12-slim-bookworm; to pass a variable of your own, KEY=$KEY.',
    });
  }
  const key = text.slice(0, at);
  if (!BUILD_ARG_NAME.test(key)) {
    throw new ModuleError(
      'bad-build-arg',
      key === ''
        ? `${name} expects KEY=VALUE, got no KEY before "="`
        : `${name}: "${inputForMessage(key)}" is not a build argument name (letters, digits and _, not starting with a digit)`,
      { hint: "Name it as the Dockerfile's ARG does, e.g. BASE_IMAGE=python:3.12-slim-bookworm." },
    );
  }
  return [key, text.slice(at + 1)];
}

/** Build arguments one KEY=VALUE a line (the Action's multi-line input); blank lines and # comments are skipped. */
export function parseBuildArgLines(value: string, name: string): Record<string, string> {
  const args: Record<string, string> = {};
  value.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [key, arg] = parseBuildArg(line, `${name} line ${index + 1}`);
    args[key] = arg;
  });
  return args;
}

/** One image label, `KEY=VALUE` (a key such as org.opencontainers.image.vendor: no blanks, no control characters). */
export function parseLabel(text: string, name: string): [string, string] {
  const at = text.indexOf('=');
  const key = at === -1 ? text : text.slice(0, at);
  if (at <= 0 || !/^[^\s\u0000-\u001f\u007f]+$/.test(key)) {
    throw new ModuleError(
      'bad-label',
      at <= 0
        ? `${name} expects KEY=VALUE${at === 0 ? ', got no KEY before "="' : `, got "${inputForMessage(text)}"`}`
        : `${name}: "${inputForMessage(key)}" is not a label key (no blanks or control characters)`,
      { hint: 'Give e.g. org.opencontainers.image.vendor=Acme.' },
    );
  }
  return [key, text.slice(at + 1)];
}
