import { stat } from 'node:fs/promises';
import { readRegularText } from '../regular-file.js';
import path from 'node:path';
import type Docker from 'dockerode';
import { BuildFailure, buildImage, pickBuildSettings, type BuildSettings } from '../engine/build.js';
import { connectEngine } from '../engine/connect.js';
import { ModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { parseReference, formatReference } from '../registry/reference.js';
import { ociLabels, parseVersion } from '../release/index.js';
import { formatPlatform, parsePlatformList, platformSuffix } from '../registry/platform.js';
import { silentLogger, type Logger } from '../logger.js';
import { baseLoginHint, buildOutput, failureText, hasBuildkit } from './image/builder.js';
import { readGitInfo } from './image/git-info.js';

/**
 * Options of `mercure-module build`: the build settings (named as docker buildx names them) and
 * the release's name, version and texts. `labels` win over the generated OCI labels; an empty
 * value removes one.
 */
export interface BuildOptions extends BuildSettings {
  dir: string;
  /** Repository to name the image, e.g. `acme/blur` or `127.0.0.1:5000/acme/blur` (no tag). */
  image: string;
  version: string;
  description?: string;
  license?: string;
  logger?: Logger;
  docker?: Docker;
  now?: () => Date;
  signal?: AbortSignal;
  /**
   * Logins for the build's pulls (a FROM on a private base image) by registry host, reaching
   * buildx without a Docker config file (see buildDockerConfig); the Docker config's own logins
   * buildx reads itself.
   */
  logins?: Record<string, Credentials>;
  /** The environment of the docker CLI: PATH finds it and its plugins, DOCKER_CONFIG its logins. */
  env?: NodeJS.ProcessEnv;
}

export interface BuildReport {
  imageId: string;
  /** The local reference the image was tagged with: `<image>:<version>`. */
  reference: string;
  version: string;
  labels: Record<string, string>;
  /**
   * A multi-platform build (`--platform a,b`): one image a platform, each tagged
   * `<image>:<version>-<os>-<arch>` in the engine (an engine holds one platform per name);
   * `imageId` and `reference` are the first platform's.
   */
  platforms?: PlatformImage[];
}

/** One platform's image of a multi-platform build. */
export interface PlatformImage {
  platform: string;
  imageId: string;
  reference: string;
}

/**
 * Builds the module with OCI labels (version, revision and source from git, created now) and
 * tags it `<image>:<version>` in the engine. A failing Dockerfile step becomes a ModuleError that
 * names the step and shows the last lines of its output.
 */
export async function buildModule(options: BuildOptions): Promise<BuildReport> {
  const logger = options.logger ?? silentLogger;
  const info = await stat(options.dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ModuleError('no-such-folder', `module folder ${options.dir} does not exist`);
  const version = parseVersion(options.version);
  const ref = parseReference(options.image);
  if (ref.tag || ref.digest) {
    throw new ModuleError('image-has-tag', `--image ${options.image} must name a repository without a tag or digest`, {
      hint: 'The tags come from --version: give e.g. --image acme/blur --version 1.2.3.',
    });
  }
  const git = await readGitInfo(options.dir);
  if (git.dirty)
    logger.warn(
      'the module folder has uncommitted changes: the revision label names the last commit, not what was built',
    );
  const labels = ociLabels({
    name: path.basename(ref.repository),
    version: version.full,
    ...(git.revision ? { revision: git.revision } : {}),
    ...(git.remote ? { source: git.remote } : {}),
    created: options.now?.() ?? new Date(),
    ...(options.description ? { description: options.description } : {}),
    license: options.license ?? (await detectLicense(options.dir)),
    ...(options.labels ? { overrides: options.labels } : {}),
  });
  const reference = `${formatReference({ ...ref, tag: undefined, digest: undefined })}:${version.version}`;
  const docker = await connectEngine(options.docker ? { docker: options.docker } : {});
  const platforms = parsePlatformList(options.platforms);
  await hasBuildkit(logger, options.env);
  const buildOne = (tag: string, platform: string | undefined) =>
    buildTagged(docker, tag, { ...options, ...(platform ? { platforms: [platform] } : {}) }, labels, logger);
  if (platforms.length <= 1) {
    const imageId = await buildOne(reference, platforms[0] ? formatPlatform(platforms[0]) : undefined);
    return { imageId, reference, version: version.full, labels };
  }
  // One build a platform, in turn: each is loaded into the engine to be smoke-run on its own.
  const images: PlatformImage[] = [];
  for (const platform of platforms) {
    const tag = `${reference}-${platformSuffix(platform)}`;
    images.push({
      platform: formatPlatform(platform),
      imageId: await buildOne(tag, formatPlatform(platform)),
      reference: tag,
    });
  }
  const first = images[0] as PlatformImage;
  return { imageId: first.imageId, reference: first.reference, version: version.full, labels, platforms: images };
}

/** One build tagged `tag`; a failing step becomes a ModuleError naming it. */
async function buildTagged(
  docker: Docker,
  tag: string,
  options: BuildOptions,
  labels: Record<string, string>,
  logger: Logger,
): Promise<string> {
  const step = logger.step(`building ${tag}`);
  try {
    const built = await buildImage(docker, {
      ...pickBuildSettings(options),
      ...(options.logins ? { logins: options.logins } : {}),
      ...(options.env ? { env: options.env } : {}),
      dir: options.dir,
      tags: [tag],
      labels,
      onLine: buildOutput(logger),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    step.done(built.imageId.slice(0, 19));
    return built.imageId;
  } catch (error) {
    if (!(error instanceof BuildFailure)) throw error;
    step.done('failed', 'failed');
    if (error.deniedBase)
      throw new ModuleError('base-image-login', failureText(error), {
        kind: 'environment',
        hint: baseLoginHint(error.deniedBase),
      });
    const tail = error.log
      .slice(-10)
      .map((line) => `  | ${line}`)
      .join('\n');
    throw new ModuleError(
      error.frontend ? 'syntax-frontend-unreachable' : 'build-failed',
      `${failureText(error)}\n${tail}`,
      {
        kind: 'refused',
        hint: error.frontend
          ? 'Remove the `# syntax=` line (the builder’s own Dockerfile frontend then builds it), or build where its registry is reachable.'
          : 'Fix the Dockerfile step above; `mercure-module check` finds the usual causes.',
      },
    );
  }
}

/** The SPDX id of a LICENSE file's common licences, or undefined. */
async function detectLicense(dir: string): Promise<string | undefined> {
  for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING']) {
    const text = await readRegularText(path.join(dir, name), 1024 * 1024).catch(() => undefined);
    if (!text) continue;
    if (/MIT License|Permission is hereby granted, free of charge/i.test(text)) return 'MIT';
    if (/Apache License[\s\S]{0,80}Version 2\.0/i.test(text)) return 'Apache-2.0';
    if (/GNU GENERAL PUBLIC LICENSE[\s\S]{0,80}Version 3/i.test(text)) return 'GPL-3.0-or-later';
    if (/BSD 3-Clause|Redistribution and use in source and binary forms/i.test(text)) return 'BSD-3-Clause';
  }
  return undefined;
}
