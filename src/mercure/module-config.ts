/**
 * A module's entry as mercure stores it in mercure.json (`modules.<name>`, pydantic `Module`):
 * read, checked, and its JSON-string fields decoded as `docker_runtime` decodes them.
 */
import { readFile } from 'node:fs/promises';
import { ModuleError } from '../errors.js';
import { parseExactJson, stringifyExactJson } from '../exact-json.js';
import type { Module } from './task.js';

/** A module entry, checked, with its JSON-string fields decoded. */
export interface ModuleConfig {
  /** The key under `modules` when a whole mercure.json was given. */
  name?: string;
  /** The entry as task.json's module_config carries it (mercure's defaults filled in). */
  module: Omit<Module, 'docker_tag'> & { docker_tag: string };
  environment: Record<string, string | null>;
  dockerArguments: Record<string, unknown>;
  /** additional_volumes in docker-py's volumes form, each as {bind, mode}. */
  volumes: Record<string, { bind: string; mode: string }>;
}

const STRING_FIELDS = [
  'docker_tag',
  'contact',
  'comment',
  'constraints',
  'resources',
  'persistence_folder_name',
] as const;
const JSON_FIELDS = ['environment', 'docker_arguments', 'additional_volumes'] as const;
const BOOLEAN_FIELDS = ['requires_root', 'requires_persistence', 'network_enabled'] as const;
const FIELDS: readonly string[] = [...STRING_FIELDS, ...JSON_FIELDS, ...BOOLEAN_FIELDS, 'settings'];

/** Reads --module-config FILE: a module entry, or a mercure.json with exactly one module. */
export async function readModuleConfig(file: string): Promise<ModuleConfig> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ModuleError(
      'bad-module-config',
      `--module-config ${file} cannot be read: ${error.code ?? error.message}`,
    );
  });
  let value: unknown;
  try {
    value = parseExactJson(text);
  } catch (error) {
    throw new ModuleError(
      'bad-module-config',
      `--module-config ${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  return parseModuleConfig(value, file);
}

/** Checks a module entry (or a mercure.json holding one) as mercure's Module model and docker_runtime read it. */
export function parseModuleConfig(value: unknown, where = 'the module configuration'): ModuleConfig {
  const fail = (message: string, hint?: string) =>
    new ModuleError('bad-module-config', `${where}: ${message}`, hint ? { hint } : {});
  if (!isObject(value)) throw fail('must be a JSON object (a module entry of mercure.json)');
  let name: string | undefined;
  let entry = value;
  if ('modules' in value) {
    const modules = value['modules'];
    const names = isObject(modules) ? Object.keys(modules) : [];
    if (!isObject(modules) || names.length !== 1)
      throw fail(
        `"modules" holds ${names.length} modules (${names.join(', ') || 'none'}); give one module's entry`,
        'Copy the one entry (the object under "modules" -> "<name>") into a file of its own.',
      );
    name = names[0] ?? '';
    const only = modules[name];
    if (!isObject(only)) throw fail(`modules.${name} must be an object`);
    entry = only;
  }
  const unknown = Object.keys(entry).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0)
    throw fail(
      `unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}`,
      `mercure's module fields: ${FIELDS.join(', ')}.`,
    );
  for (const key of STRING_FIELDS)
    if (entry[key] !== undefined && entry[key] !== null && typeof entry[key] !== 'string')
      throw fail(`"${key}" must be a string, got ${stringifyExactJson(entry[key])}`);
  for (const key of BOOLEAN_FIELDS)
    if (entry[key] !== undefined && entry[key] !== null && typeof entry[key] !== 'boolean')
      throw fail(`"${key}" must be true or false, got ${stringifyExactJson(entry[key])}`);
  const settings = entry['settings'] ?? {};
  if (!isObject(settings)) throw fail(`"settings" must be an object, got ${stringifyExactJson(settings)}`);
  const decoded = Object.fromEntries(JSON_FIELDS.map((key) => [key, decodeJsonString(entry[key], key, fail)]));
  const text = (key: (typeof STRING_FIELDS)[number] | (typeof JSON_FIELDS)[number]) =>
    typeof entry[key] === 'string' ? entry[key] : '';
  const flag = (key: (typeof BOOLEAN_FIELDS)[number], fallback: boolean) =>
    typeof entry[key] === 'boolean' ? entry[key] : fallback;
  const config: ModuleConfig = {
    module: {
      docker_tag: text('docker_tag'),
      additional_volumes: text('additional_volumes'),
      environment: text('environment'),
      docker_arguments: text('docker_arguments'),
      settings,
      contact: text('contact'),
      comment: text('comment'),
      constraints: text('constraints'),
      resources: text('resources'),
      requires_root: flag('requires_root', false),
      requires_persistence: flag('requires_persistence', false),
      persistence_folder_name: text('persistence_folder_name'),
      // The model's default: configs saved before 0.4.1 keep the network (the UI now saves false).
      network_enabled: flag('network_enabled', true),
    },
    environment: environmentValues(decoded['environment'] ?? {}, fail),
    dockerArguments: decoded['docker_arguments'] ?? {},
    volumes: volumeBinds(decoded['additional_volumes'] ?? {}, fail),
  };
  if (name !== undefined) config.name = name;
  return config;
}

type Fail = (message: string, hint?: string) => ModuleError;

/**
 * mercure's decode_task_json: "" is {}; invalid JSON it logs and treats as {} (silently running
 * without it), which here is an error, as is anything but an object.
 */
function decodeJsonString(value: unknown, key: string, fail: Fail): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'string')
    throw fail(
      `"${key}" must be a JSON string, as mercure stores it (e.g. "${key}": ${stringifyExactJson(stringifyExactJson(value))})`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw fail(
      `"${key}" is not valid JSON (${(error as Error).message}): mercure would log "Unable to convert JSON string" and run without it`,
    );
  }
  if (!isObject(parsed)) throw fail(`"${key}" must hold a JSON object, got ${value}`);
  return parsed;
}

/** docker-py's format_environment: values as Python's str() writes them, None as the bare key. */
function environmentValues(env: Record<string, unknown>, fail: Fail): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === null) out[key] = null;
    else if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number') out[key] = String(value);
    else if (typeof value === 'boolean') out[key] = value ? 'True' : 'False';
    else throw fail(`environment "${key}" must be a string, got ${stringifyExactJson(value)}`);
  }
  return out;
}

/** docker-py's convert_volume_binds over `volumes=`: host path -> {bind, mode|ro} or a bind path. */
function volumeBinds(volumes: Record<string, unknown>, fail: Fail): Record<string, { bind: string; mode: string }> {
  const out: Record<string, { bind: string; mode: string }> = {};
  for (const [host, value] of Object.entries(volumes)) {
    if (typeof value === 'string') {
      out[host] = { bind: value, mode: 'rw' };
      continue;
    }
    if (!isObject(value) || typeof value['bind'] !== 'string')
      throw fail(`additional_volumes "${host}" must be {"bind": "/container/path", "mode": "ro" or "rw"}`);
    if ('ro' in value && 'mode' in value) throw fail(`additional_volumes "${host}" cannot have both "ro" and "mode"`);
    const mode = 'ro' in value ? (value['ro'] ? 'ro' : 'rw') : typeof value['mode'] === 'string' ? value['mode'] : 'rw';
    out[host] = { bind: value['bind'], mode };
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
