import { relative, resolve, sep } from 'node:path';
import { ModuleError } from '../../errors.js';
import type { DockerfileModel } from './model/dockerfile-model.js';
import type { DockerIgnore } from './model/dockerignore.js';
import type { ModuleFiles } from './model/module-files.js';

/** How the module will be built and configured in mercure; the static checks judge it against this. */
export interface StaticCheckOptions {
  /** Dockerfile path relative to the module folder (default 'Dockerfile'). */
  dockerfile?: string;
  /** The image name configured in mercure, e.g. 'acme/blur' or 'registry:5000/acme/blur:1.0'; only the repository is compared. */
  image?: string;
  /** Build arguments, overriding ARG defaults (e.g. BASE_IMAGE). */
  buildArgs?: Record<string, string>;
  /** The module is configured with requires_root: root-only steps and USER root are allowed. */
  requiresRoot?: boolean;
  /** The module is configured with network enabled: run-time downloads are allowed. */
  network?: boolean;
  /** Above this many bytes, a build context without .dockerignore is reported (default 50 MiB). */
  largeContextBytes?: number;
  /** The build will have BuildKit (docker buildx); without it, BuildKit-only steps are findings (default true). */
  buildkit?: boolean;
}

/** The options with defaults applied and values checked. */
export interface ResolvedOptions {
  dockerfile: string;
  image: string | undefined;
  buildArgs: Readonly<Record<string, string>>;
  requiresRoot: boolean;
  network: boolean;
  largeContextBytes: number;
  buildkit: boolean;
}

/** Everything a check may look at: the folder as read once, the options, the parsed Dockerfile. */
export interface StaticInput {
  options: ResolvedOptions;
  files: ModuleFiles;
  ignore: DockerIgnore;
  dockerfile: DockerfileModel;
}

/** The default for largeContextBytes: 50 MiB. */
export const DEFAULT_LARGE_CONTEXT_BYTES = 50 * 1024 * 1024;

/** Applies defaults and rejects bad values with a ModuleError that names the option and the value. */
export function resolveOptions(dir: string, options: StaticCheckOptions): ResolvedOptions {
  const large = options.largeContextBytes ?? DEFAULT_LARGE_CONTEXT_BYTES;
  if (typeof large !== 'number' || !Number.isFinite(large) || large < 0) {
    throw new ModuleError(
      'bad-option',
      `largeContextBytes must be a non-negative number of bytes, got ${String(large)}`,
    );
  }
  // Findings name files relative to the module folder, with '/' on every platform.
  const dockerfile = relative(dir, resolve(dir, options.dockerfile ?? 'Dockerfile'))
    .split(sep)
    .join('/');
  if (dockerfile === '')
    throw new ModuleError('bad-option', `dockerfile must name a file, got ${JSON.stringify(options.dockerfile)}`);
  const buildArgs = options.buildArgs ?? {};
  for (const [name, value] of Object.entries(buildArgs)) {
    if (typeof value !== 'string')
      throw new ModuleError('bad-option', `build arg ${name} must be a string, got ${typeof value}`);
  }
  const image = options.image?.trim();
  return {
    dockerfile,
    image: image === '' ? undefined : image,
    buildArgs,
    requiresRoot: options.requiresRoot === true,
    network: options.network === true,
    largeContextBytes: large,
    buildkit: options.buildkit !== false,
  };
}
