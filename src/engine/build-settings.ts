import { readFile } from 'node:fs/promises';
import { inputForMessage, ModuleError } from '../errors.js';

/**
 * How to build, named as `docker buildx build` and docker/build-push-action name it. The same
 * settings reach the engine from the CLI, the Action and the library.
 */
export interface BuildSettings {
  /** The Dockerfile relative to the context (`--file`); default `Dockerfile`. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** The stage to build (`--target`). */
  target?: string;
  /**
   * Target platforms (`--platform`). Each build makes one: the image is loaded into the engine
   * for the smoke run, and an engine holds one platform per image name; build and release run
   * one build a platform for a list.
   */
  platforms?: string[];
  noCache?: boolean;
  /** A buildx builder by name (`--builder`): docker-container, remote or Kubernetes drivers. */
  builder?: string;
  /** Cache sources as buildx spells them, e.g. `type=registry,ref=acme/blur:cache` (`--cache-from`). */
  cacheFrom?: string[];
  /** Cache exports, e.g. `type=inline` or `type=gha,mode=max` (`--cache-to`). */
  cacheTo?: string[];
  /** Build secrets, `id=NAME,src=FILE` or `id=NAME,env=VAR` (`--secret`): mounted in RUN steps, never in a layer. */
  secrets?: string[];
  /**
   * Values for `env=` secrets, set only in the environment of `docker buildx` (never on disk):
   * how the Action passes build-push-action's `secrets: id=value` lines.
   */
  secretEnv?: Record<string, string>;
  /**
   * The network of RUN steps (buildx `--network`). Default: the builder's, except `none` for the
   * engine's own builder when the engine has no bridge network (BuildKit's default fails there).
   */
  buildNetwork?: string;
}

const SETTING_KEYS = [
  'dockerfile',
  'buildArgs',
  'labels',
  'target',
  'platforms',
  'noCache',
  'builder',
  'cacheFrom',
  'cacheTo',
  'secrets',
  'secretEnv',
  'buildNetwork',
] as const satisfies readonly (keyof BuildSettings)[];

/** Only the build settings of a larger options object (the pipeline's options carry many more). */
export function pickBuildSettings(options: BuildSettings): BuildSettings {
  const picked: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

/** Options that only BuildKit can honour, by the name the user gave them. */
export function buildkitOnlyOptions(settings: BuildSettings): string[] {
  const names: string[] = [];
  if (settings.builder) names.push('builder');
  if (settings.cacheFrom?.length) names.push('cache-from');
  if (settings.cacheTo?.length) names.push('cache-to');
  if (settings.secrets?.length) names.push('build secrets');
  return names;
}

/** A build secret as buildx takes it. */
export interface SecretSpec {
  id: string;
  src?: string;
  env?: string;
}

/** Reads `id=NAME,src=FILE` / `id=NAME,env=VAR` (buildx also takes `type=file|env` and `source`). */
export function parseSecret(value: string): SecretSpec {
  const fields = new Map<string, string>();
  for (const part of value.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) throw badSecret(value, `"${inputForMessage(part)}" is not KEY=VALUE`);
    fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const id = fields.get('id');
  const src = fields.get('src') ?? fields.get('source');
  const env = fields.get('env');
  if (!id) throw badSecret(value, 'it has no id=');
  if (src === undefined && env === undefined) throw badSecret(value, 'it has neither src=FILE nor env=VAR');
  return { id, ...(src !== undefined ? { src } : {}), ...(env !== undefined ? { env } : {}) };
}

function badSecret(value: string, why: string): ModuleError {
  // The value names a file or a variable, never the secret itself, so it may be quoted.
  const shown = inputForMessage(value);
  return new ModuleError('bad-secret', (say) => `${say.option('secret')} ${shown}: ${why}`, {
    hint: (say) =>
      say.has('secret')
        ? `Give ${say.option('secret', 'id=NAME,src=FILE')} or ${say.option('secret', 'id=NAME,env=VARIABLE')}; RUN --mount=type=secret,id=NAME reads it.`
        : 'Give each build secret as id=NAME,src=FILE or id=NAME,env=VARIABLE; the Dockerfile reads it through a secret mount (RUN with type=secret,id=NAME).',
  });
}

/**
 * The values of the build's secrets, so that build output can be scrubbed of them: a RUN step
 * that echoes its secret must not put it in our log or report. Missing sources are errors here,
 * before the build starts, with the option named.
 */
export async function secretValues(secrets: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const values: string[] = [];
  for (const raw of secrets) {
    const spec = parseSecret(raw);
    if (spec.src !== undefined) {
      const text = await readFile(spec.src, 'utf8').catch(() => {
        throw new ModuleError('bad-secret', `build secret id=${spec.id}: the file ${spec.src} cannot be read`);
      });
      values.push(text, text.trim());
    } else if (spec.env !== undefined) {
      const text = env[spec.env];
      if (text === undefined)
        throw new ModuleError(
          'bad-secret',
          `build secret id=${spec.id}: the environment variable ${spec.env} is not set`,
        );
      values.push(text, text.trim());
    }
  }
  // Very short values would scrub ordinary words; longest first so that a prefix does not win.
  return [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
}

/** A line with every secret value replaced by `***`. */
export function scrub(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/** The one platform of a single build (multi-platform builds run one build a platform: pipeline/build.ts). */
export function singlePlatform(platforms: string[] | undefined): string | undefined {
  const list = (platforms ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (list.length > 1)
    throw new ModuleError(
      'multi-platform',
      (say) => `${say.option('platforms', list.join(','))}: validate builds one platform at a time`,
      {
        hint: (say) =>
          `Release them together (${say.option('command:release')} with ${say.option('platforms', 'a,b')} validates each platform’s image), or validate each image with ${say.option('image')}.`,
      },
    );
  return list[0];
}
