// The inputs that shape a release beyond the smoke run: the tag plan (metadata-action's flavor and
// tag types under our names), the Docker Hub repository (visibility, texts) and promote's source login.
import { MAX_README_BYTES, readRegularTextSync } from '../regular-file.js';
import { ModuleError } from '../errors.js';
import { resolveCredentials, SOURCE_CREDENTIAL_ENV } from '../pipeline/access/credentials.js';
import type { RepositoryOptions } from '../pipeline/access/repository.js';
import type { Credentials } from '../registry/auth.js';
import { normaliseTagOptions, type TagPlanOptions } from '../release/index.js';

/** How release-shaping inputs are read: the same InputSource as every other input. */
export interface ReleaseInputSource {
  get(name: string): string;
  getBoolean(name: string): boolean;
  mask(value: string): void;
}

function badInput(name: string, message: string, hint?: string): ModuleError {
  return new ModuleError('bad-input', `input "${name}": ${message}`, hint ? { hint } : {});
}

/** A boolean input with its action.yml default when empty; anything but true/false is refused. */
export function booleanInput(source: ReleaseInputSource, name: string, fallback: boolean): boolean {
  const raw = source.get(name);
  if (raw === '') return fallback;
  try {
    return source.getBoolean(name);
  } catch {
    throw badInput(name, `expected true or false, got "${raw}"`);
  }
}

/**
 * `sha-tag`: true tags the commit the workflow runs on (GITHUB_SHA), as metadata-action's type=sha
 * does; a commit (7-64 hex digits) tags that one; false or empty tags none.
 */
export function readShaTag(value: string, env: NodeJS.ProcessEnv): string | undefined {
  const raw = value.trim();
  if (raw === '' || /^false$/i.test(raw)) return undefined;
  if (/^true$/i.test(raw)) {
    const sha = env['GITHUB_SHA'];
    if (!sha)
      throw badInput('sha-tag', 'is true, but GITHUB_SHA is not set', 'Pass the commit itself: sha-tag: 0123abc.');
    return sha;
  }
  if (!/^[0-9a-fA-F]{7,64}$/.test(raw))
    throw badInput('sha-tag', `expected true, false or a git commit (7 to 64 hex digits), got "${raw}"`);
  return raw;
}

/** The tag plan options; checked here so a bad option stops the run before any build. */
export function readTagOptions(
  source: ReleaseInputSource,
  extraTags: string[],
  env: NodeJS.ProcessEnv,
): TagPlanOptions {
  const channel = source.get('channel').trim();
  const prefix = source.get('tag-prefix');
  const suffix = source.get('tag-suffix');
  const sha = readShaTag(source.get('sha-tag'), env);
  const options: TagPlanOptions = {
    extraTags,
    latest: booleanInput(source, 'latest', true),
    ...(booleanInput(source, 'major-zero', false) ? { majorZero: true } : {}),
    ...(channel ? { channel } : {}),
    ...(sha ? { shaTag: sha } : {}),
    ...(prefix ? { prefix } : {}),
    ...(suffix ? { suffix } : {}),
  };
  try {
    normaliseTagOptions(options);
  } catch (error) {
    if (error instanceof ModuleError)
      throw new ModuleError('bad-input', `tag inputs: ${error.message}`, error.hint ? { hint: error.hint } : {});
    throw error;
  }
  return options;
}

/** Docker Hub's limits on the texts (the library checks them again before any write). */
const README_MAX_BYTES = 25_000;

/** The repository options: visibility (created so before the first push), texts, the Hub API address. */
export function readRepositoryOptions(
  source: ReleaseInputSource,
  visibility: 'public' | 'private' | undefined,
  env: NodeJS.ProcessEnv,
): RepositoryOptions {
  const description = source.get('description');
  const readmePath = source.get('readme');
  let readme: string | undefined;
  if (readmePath) {
    try {
      readme = readRegularTextSync(readmePath, MAX_README_BYTES);
    } catch (error) {
      throw badInput(
        'readme',
        `file cannot be read: ${(error as Error).message}`,
        'Give a Markdown file in the workspace, e.g. readme: README.md.',
      );
    }
    if (Buffer.byteLength(readme) > README_MAX_BYTES)
      throw badInput(
        'readme',
        `${readmePath} is over Docker Hub's ${README_MAX_BYTES} bytes`,
        'Shorten it or link to the full text.',
      );
  }
  return {
    ...(visibility ? { visibility } : {}),
    ...(booleanInput(source, 'change-visibility', false) ? { changeVisibility: true } : {}),
    ...(description ? { description } : {}),
    ...(readme !== undefined ? { readme } : {}),
    // As for the CLI: another address for Docker Hub's web API (a stand-in in tests).
    ...(env['MERCURE_HUB_API_URL'] ? { hubUrl: env['MERCURE_HUB_API_URL'] } : {}),
  };
}

/** Masks a secret and the base64 form it takes in an HTTP Basic header or a Docker auth blob. */
export function maskSecret(source: ReleaseInputSource, secret: string): void {
  source.mask(secret);
  source.mask(Buffer.from(secret).toString('base64'));
}

/**
 * promote's login for the source registry: `source-username`/`source-password`, else
 * $MERCURE_SOURCE_REGISTRY_USERNAME/_PASSWORD. The password was read and masked first (readInputs).
 */
export function readSourceCredentials(
  source: ReleaseInputSource,
  password: string | undefined,
  env: NodeJS.ProcessEnv,
): Credentials | undefined {
  const username = source.get('source-username') || undefined;
  const login = resolveCredentials({ username, password }, env, SOURCE_CREDENTIAL_ENV);
  if (login) source.mask(Buffer.from(`${login.username}:${login.password}`).toString('base64'));
  return login;
}
