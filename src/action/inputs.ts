import * as core from '@actions/core';
import { context } from '@actions/github';
import type { BuildSettings } from '../engine/build-settings.js';
import { ModuleError } from '../errors.js';
import { parseBuildArgLines, parseSettingsValue, parseTimeoutValue } from '../front-door/values.js';
import { CREDENTIAL_ENV, resolveCredentials, SOURCE_CREDENTIAL_ENV } from '../pipeline/access/credentials.js';
import type { Credentials } from '../registry/auth.js';
import { parseReference } from '../registry/reference.js';
import type { RepositoryOptions } from '../pipeline/access/repository.js';
import type { Pusher } from '../pipeline/publish.js';
import type { TagPlanOptions } from '../release/index.js';
import { parseVersion } from '../release/version.js';
import {
  booleanInput,
  maskSecret,
  readRepositoryOptions,
  readSourceCredentials,
  readTagOptions,
} from './release-inputs.js';
import { readBuildInputs } from './build-inputs.js';

/** The commands the action runs; each maps to one library pipeline. */
export const COMMANDS = ['release', 'validate', 'publish', 'promote', 'status'] as const;
/** One of COMMANDS. */
export type ActionCommand = (typeof COMMANDS)[number];

/** Every input of action.yml, read once, validated and normalised. */
export interface ActionInputs {
  command: ActionCommand;
  /** The module folder. */
  context: string;
  /** The repository (with the `registry` input's host in front when it named none). */
  image: string | undefined;
  /** The version as given or taken from the ref (already checked to parse). */
  version: string | undefined;
  /** Where `version` came from, for messages. */
  versionFrom: 'input' | 'GITHUB_REF' | 'release' | undefined;
  /** Registry API base URL, when `registry` was given as a URL. */
  registryUrl: string | undefined;
  credentials: Credentials | undefined;
  visibility: 'public' | 'private' | undefined;
  extraTags: string[];
  /** The whole tag plan: extra tags, channel, latest, major-zero, sha-tag, tag-prefix/-suffix. */
  tagOptions: TagPlanOptions;
  /** Docker Hub repository options: visibility, change-visibility, description, readme. */
  repository: RepositoryOptions;
  /** Overwrite a version tag that holds another image. */
  force: boolean;
  /** Who uploads the version: our own push (kit) or the Engine's. */
  pusher: Pusher;
  /** The base image in its registry, whose layers are mounted or copied instead of uploaded. */
  baseImage: string | undefined;
  /** The mercure server's platform, for validate's platform warning. */
  serverPlatform: string | undefined;
  /** Platforms published although their smoke run was skipped here (no emulator). */
  skipSmokePlatforms: string[];
  buildArgs: Record<string, string>;
  /** The build inputs named as docker/build-push-action names them (build-inputs.ts). */
  build: BuildSettings;
  fixtures: string | undefined;
  settings: Record<string, unknown> | undefined;
  /** The module's entry of mercure.json (a file), applied to the smoke run as mercure applies it. */
  moduleConfig: string | undefined;
  requiresRoot: boolean;
  network: boolean;
  level: 'series' | 'study';
  timeoutSeconds: number | undefined;
  /** For promote: the tested image, with its tag (the version when the input named only a repository) or digest. */
  promoteFrom: string | undefined;
  /** For promote: the source registry's login (source-username/-password). */
  sourceCredentials: Credentials | undefined;
  /** For promote: the source registry's API base URL, when source-registry was given as a URL. */
  sourceRegistryUrl: string | undefined;
  dryRun: boolean;
}

/** Where input values come from: @actions/core on a runner, a table in tests. */
export interface InputSource {
  get(name: string): string;
  getBoolean(name: string): boolean;
  /** Masks a value in the log from now on. */
  mask(value: string): void;
}

/** Inputs as the runner passes them (INPUT_* variables), through @actions/core. */
export const runnerInputs: InputSource = {
  get: (name) => core.getInput(name),
  getBoolean: (name) => core.getBooleanInput(name),
  mask: (value) => core.setSecret(value),
};

/** What the runner tells about the event: the ref and, for a release event, its tag. */
export interface RunContext {
  ref: string | undefined;
  releaseTag: string | undefined;
}

/** The ref and release tag of the running workflow (from GITHUB_REF and GITHUB_EVENT_PATH). */
export function runnerContext(): RunContext {
  const release = (context.payload as { release?: { tag_name?: unknown } }).release;
  return {
    ref: context.ref || undefined,
    releaseTag: typeof release?.tag_name === 'string' ? release.tag_name : undefined,
  };
}

/** The value read, or undefined where the login it reads is incomplete (credentials-incomplete). */
function ignoreIncomplete<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof ModuleError && error.code === 'credentials-incomplete') return undefined;
    throw error;
  }
}

/**
 * Reads every input. Secrets are masked first, before any other input is read or anything is
 * logged; a bad value is a ModuleError naming the input and the value it got.
 */
export function readInputs(
  source: InputSource = runnerInputs,
  given?: RunContext,
  env: NodeJS.ProcessEnv = process.env,
): ActionInputs {
  const password = source.get('password') || undefined;
  for (const secret of [password, env[CREDENTIAL_ENV.password]]) if (secret) maskSecret(source, secret);
  const sourcePassword = source.get('source-password') || undefined;
  for (const secret of [sourcePassword, env[SOURCE_CREDENTIAL_ENV.password]]) if (secret) maskSecret(source, secret);
  const username = source.get('username') || undefined;
  const command = oneOf(source, 'command', COMMANDS, 'release');
  // Validation logs in nowhere: a half login (a password secret a fork's run lacks the user of)
  // is no reason to refuse it. Every other command needs the login whole.
  const login = <T>(read: () => T): T | undefined => (command === 'validate' ? ignoreIncomplete(read) : read());
  const credentials = login(() => resolveCredentials({ username, password }, env));
  if (credentials) source.mask(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
  const sourceCredentials = login(() => readSourceCredentials(source, sourcePassword, env));

  const run = given ?? runnerContext();
  const registry = parseRegistry(source.get('registry'));
  const image = withRegistry(source.get('image') || undefined, registry.host, command);
  const { version, versionFrom } = readVersion(source.get('version'), run, command);
  const visibility = source.get('visibility')
    ? oneOf(source, 'visibility', ['public', 'private'] as const, 'public')
    : undefined;
  const settings = source.get('settings');
  const timeout = source.get('timeout');
  const extraTags = splitList(source.get('extra-tags'));
  const sourceRegistry = parseRegistry(source.get('source-registry'), 'source-registry');
  const promoteFrom = source.get('promote-from');
  return {
    command,
    context: source.get('context') || '.',
    image,
    version,
    versionFrom,
    registryUrl: registry.url,
    credentials,
    visibility,
    extraTags,
    tagOptions: readTagOptions(source, extraTags, env),
    repository: readRepositoryOptions(source, visibility, env),
    force: booleanInput(source, 'force', false),
    pusher: oneOf(source, 'pusher', ['kit', 'engine'] as const, 'kit'),
    baseImage: source.get('base-image').trim() || undefined,
    serverPlatform: source.get('server-platform').trim() || undefined,
    skipSmokePlatforms: splitList(source.get('skip-smoke-platforms')),
    buildArgs: parseBuildArgs(source.get('build-args')),
    build: readBuildInputs(source),
    fixtures: source.get('fixtures') || undefined,
    settings: settings ? parseSettingsInput(settings) : undefined,
    moduleConfig: source.get('module-config') || undefined,
    requiresRoot: readBoolean(source, 'requires-root'),
    network: readBoolean(source, 'network'),
    level: oneOf(source, 'level', ['series', 'study'] as const, 'series'),
    timeoutSeconds: timeout ? parseTimeout(timeout) : undefined,
    promoteFrom:
      command === 'promote'
        ? promoteSource(withSourceRegistry(promoteFrom, sourceRegistry.host), version)
        : promoteFrom || undefined,
    sourceCredentials,
    sourceRegistryUrl: sourceRegistry.url,
    dryRun: readBoolean(source, 'dry-run'),
  };
}

function badInput(name: string, message: string, hint?: string): ModuleError {
  return new ModuleError('bad-input', `input "${name}": ${message}`, hint ? { hint } : {});
}

function oneOf<T extends string>(source: InputSource, name: string, allowed: readonly T[], fallback: T): T {
  const value = source.get(name) || fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw badInput(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
}

function readBoolean(source: InputSource, name: string): boolean {
  const raw = source.get(name);
  if (raw === '') return false;
  try {
    return source.getBoolean(name);
  } catch {
    throw badInput(name, `expected true or false, got "${raw}"`);
  }
}

/** The version to publish: the input, else the published release's tag, else GITHUB_REF when it is a tag. */
export function readVersion(
  input: string,
  run: RunContext,
  command: ActionCommand,
): Pick<ActionInputs, 'version' | 'versionFrom'> {
  const needed = command === 'release' || command === 'publish' || command === 'promote';
  let value: string | undefined;
  let from: ActionInputs['versionFrom'];
  if (input) [value, from] = [input, 'input'];
  else if (run.releaseTag) [value, from] = [run.releaseTag, 'release'];
  else if (run.ref?.startsWith('refs/tags/')) [value, from] = [run.ref, 'GITHUB_REF'];
  if (value === undefined || from === undefined) {
    if (!needed) return { version: undefined, versionFrom: undefined };
    throw badInput(
      'version',
      `${command} needs a version, and ${run.ref ? `GITHUB_REF (${run.ref}) is not a tag` : 'GITHUB_REF is not set'}`,
      'Run on a pushed tag such as v1.2.3 (on: push: tags: ["v*"]), or pass version: 1.2.3.',
    );
  }
  try {
    parseVersion(value);
  } catch (error) {
    // Validate only needs a version for labels: a tag that is not a version is no reason to stop it.
    if (from !== 'input' && !needed) return { version: undefined, versionFrom: undefined };
    if (!(error instanceof ModuleError)) throw error;
    const name =
      from === 'input' ? 'input "version"' : `version (from ${from === 'release' ? 'the release tag' : 'GITHUB_REF'})`;
    throw new ModuleError('bad-input', `${name}: ${error.message}`, error.hint ? { hint: error.hint } : {});
  }
  return { version: value, versionFrom: from };
}

/** The `registry` input: a host, or an http(s) URL that also sets the API base URL. */
export function parseRegistry(value: string, name = 'registry'): { host: string | undefined; url: string | undefined } {
  if (!value) return { host: undefined, url: undefined };
  if (/^https?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw badInput(name, `"${value}" is not a URL`);
    }
    return { host: url.host, url: url.origin };
  }
  if (value.includes('/')) throw badInput(name, `expected a host such as ghcr.io or a URL, got "${value}"`);
  return { host: value, url: undefined };
}

/** Whether a reference's first part names a registry host (has a dot or port, or is localhost). */
function namesRegistry(reference: string): boolean {
  const first = reference.split('/')[0] ?? '';
  return reference.includes('/') && (/[.:]/.test(first) || first === 'localhost');
}

/** `promote-from` with the `source-registry` host in front when it names none. */
export function withSourceRegistry(value: string, host: string | undefined): string {
  if (!value || host === undefined || namesRegistry(value)) return value;
  return `${host}/${value}`;
}

/** The image with the registry host in front when it names none; checks it is a repository. */
export function withRegistry(
  image: string | undefined,
  host: string | undefined,
  command: ActionCommand,
): string | undefined {
  if (image === undefined) {
    if (command === 'validate') return undefined;
    throw badInput(
      'image',
      `${command} needs the repository to publish to`,
      'Pass e.g. image: acme/blur (Docker Hub) or image: ghcr.io/acme/blur.',
    );
  }
  const first = image.split('/')[0] ?? '';
  const named = image.includes('/') && (/[.:]/.test(first) || first === 'localhost');
  if (named && host !== undefined && first !== host) {
    throw badInput(
      'image',
      `"${image}" names registry ${first}, but input "registry" is ${host}`,
      'Give the registry once: in image, or in registry.',
    );
  }
  const full = !named && host !== undefined ? `${host}/${image}` : image;
  let ref;
  try {
    ref = parseReference(full);
  } catch (error) {
    throw error instanceof ModuleError ? badInput('image', error.message) : error;
  }
  if ((ref.tag || ref.digest) && command !== 'status') {
    throw badInput(
      'image',
      `"${image}" must name a repository without a tag or digest`,
      'The tags come from the version: give e.g. image: acme/blur and push tag v1.2.3.',
    );
  }
  return full;
}

/** `promote-from`: the tested image; a bare repository gets the version as its tag. */
export function promoteSource(value: string, version: string | undefined): string {
  if (!value)
    throw badInput(
      'promote-from',
      'promote needs the tested image to promote, e.g. acme/blur-staging',
      'Pass promote-from: the repository the tag was released to (its tag is the version), or REPO:TAG / REPO@sha256:...',
    );
  let ref;
  try {
    ref = parseReference(value);
  } catch (error) {
    throw error instanceof ModuleError ? badInput('promote-from', error.message) : error;
  }
  if (ref.tag || ref.digest || version === undefined) return value;
  return `${value}:${parseVersion(version).version}`;
}

/** Comma- or line-separated names, trimmed, empty ones dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `build-args`: one KEY=VALUE a line; blank lines and # comments are skipped. */
export function parseBuildArgs(value: string): Record<string, string> {
  return parseBuildArgLines(value, 'input "build-args"');
}

/** `settings`: a JSON object, inline or as @file. */
export function parseSettingsInput(value: string): Record<string, unknown> {
  return parseSettingsValue(value, 'input "settings"', `settings: '{"radius": 2}'`);
}

/** `timeout`: a positive number of seconds. */
export function parseTimeout(value: string): number {
  return parseTimeoutValue(value, 'input "timeout"');
}
