import os from 'node:os';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { FileReadError, readRegularText } from '../regular-file.js';
import { DOCKER_HUB } from '../registry/reference.js';

/** A Docker config past this size is not one `docker login` wrote. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** The key `docker login` files Docker Hub's login under (the Docker CLI's IndexServer). */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/** Other spellings of Docker Hub's key that users and tools write. */
const DOCKER_HUB_ALIASES = [DOCKER_HUB_SERVER, 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** One `auths` entry as the Docker CLI writes it. */
export interface AuthEntry {
  /** base64 of `user:password`. */
  auth?: string;
  username?: string;
  password?: string;
  /** An OAuth refresh token for the registry's token service. */
  identitytoken?: string;
}

/** The parts of a Docker config that say where logins are. */
export interface DockerConfig {
  /** The file read, for messages. */
  file: string;
  auths: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers: Record<string, string>;
}

/** The Docker config folder: $DOCKER_CONFIG, else ~/.docker (the Docker CLI's rule). */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['DOCKER_CONFIG'];
  if (configured) return configured;
  return path.join(env['HOME'] || os.homedir(), '.docker');
}

/**
 * The Docker config of `dir`, or undefined when there is none. A file that is there but cannot be
 * read or is not a Docker config stops the run: a login the user made must not silently vanish.
 */
export async function readDockerConfig(dir: string): Promise<DockerConfig | undefined> {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = await readRegularText(file, MAX_CONFIG_BYTES);
  } catch (error) {
    if (error instanceof FileReadError && error.reason === 'missing') return undefined;
    throw configError(file, error instanceof Error ? error.message : String(error));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which may hold a login: say only where it broke.
    throw configError(file, 'it is not valid JSON');
  }
  if (!isObject(parsed)) throw configError(file, 'it is not a JSON object');
  const auths = isObject(parsed['auths']) ? parsed['auths'] : {};
  const helpers = isObject(parsed['credHelpers']) ? parsed['credHelpers'] : {};
  const config: DockerConfig = { file, auths: {}, credHelpers: {} };
  for (const [key, entry] of Object.entries(auths)) if (isObject(entry)) config.auths[key] = authEntry(entry);
  for (const [key, name] of Object.entries(helpers))
    if (typeof name === 'string' && name) config.credHelpers[key] = name;
  if (typeof parsed['credsStore'] === 'string' && parsed['credsStore']) config.credsStore = parsed['credsStore'];
  return config;
}

/**
 * The spellings a config may file `registry` under, most usual first: Docker Hub's many names,
 * or the host as written, with https:// and http:// in front, with or without /v1/ or /v2/.
 */
export function serverKeys(registry: string): string[] {
  if (registry === DOCKER_HUB) return DOCKER_HUB_ALIASES;
  return [registry];
}

/** The host part of a config key: `https://ghcr.io/v2/` -> `ghcr.io` (the Docker CLI's ConvertToHostname). */
export function keyHost(key: string): string {
  const bare = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return bare.split('/')[0] ?? bare;
}

/** Whether config key `key` names `registry` in any of its spellings. */
export function keyNames(key: string, registry: string): boolean {
  const host = keyHost(key);
  if (registry === DOCKER_HUB) return DOCKER_HUB_ALIASES.some((alias) => keyHost(alias) === host);
  return host === registry;
}

/** The config's value for `registry` in `map`: the exact key first, then any spelling of it. */
export function entryFor<T>(map: Record<string, T>, registry: string): { key: string; value: T } | undefined {
  for (const key of serverKeys(registry)) {
    const value = map[key];
    if (value !== undefined) return { key, value };
  }
  const key = Object.keys(map).find((k) => keyNames(k, registry));
  return key === undefined ? undefined : { key, value: map[key] as T };
}

function authEntry(entry: Record<string, unknown>): AuthEntry {
  const picked: AuthEntry = {};
  for (const field of ['auth', 'username', 'password', 'identitytoken'] as const) {
    const value = entry[field];
    if (typeof value === 'string' && value) picked[field] = value;
  }
  return picked;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function configError(file: string, why: string): ModuleError {
  return new ModuleError('docker-config-invalid', `the Docker config ${file} cannot be used: ${why}`, {
    kind: 'environment',
    hint: 'Fix or remove that file (`docker login` writes it anew), or point DOCKER_CONFIG at another folder.',
  });
}
