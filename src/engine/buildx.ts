import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tempFolderPrefix, tempRoot } from '../local/index.js';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { buildDockerConfig, type BuildDockerConfig } from '../credentials/build-config.js';
import { ModuleError } from '../errors.js';
import { isFrontendFailure, instructionOf, PlainProgress } from './build-progress.js';
import { scrub, secretValues, singlePlatform } from './build-settings.js';
import { BuildFailure, type BuildResult, type BuildSpec } from './build-types.js';

/** The buildx plugin as found on this machine. */
export interface Buildx {
  version: string;
}

const found = new Map<string, Promise<Buildx | undefined>>();

/**
 * Whether `docker buildx` runs here (the Docker CLI and its buildx plugin), asked once per PATH
 * and Docker config folder: the CLI finds plugins through both.
 */
export function findBuildx(env: NodeJS.ProcessEnv = process.env): Promise<Buildx | undefined> {
  const key = `${env['PATH'] ?? ''}\0${env['DOCKER_CONFIG'] ?? ''}`;
  let answer = found.get(key);
  if (!answer) {
    answer = execa('docker', ['buildx', 'version'], { env, extendEnv: false, reject: false, timeout: 30_000 }).then(
      (r) => (r.exitCode === 0 ? { version: r.stdout.trim().split(/\s+/)[1] ?? r.stdout.trim() } : undefined),
      () => undefined,
    );
    found.set(key, answer);
  }
  return answer;
}

/**
 * Builds with BuildKit through `docker buildx build` and loads the result into the engine, so the
 * image the smoke run validates is the one publish pushes (by image ID). Progress is BuildKit's
 * plain log, read line by line; secret values are scrubbed from every line we keep or pass on.
 */
export async function buildWithBuildx(docker: Docker, spec: BuildSpec): Promise<BuildResult> {
  const env = { ...(spec.env ?? process.env), ...spec.secretEnv };
  const secrets = await secretValues(spec.secrets, env);
  const platform = singlePlatform(spec.platforms);
  const network = spec.buildNetwork ?? (await defaultNetwork(docker, spec));
  const temp = await mkdtemp(tempFolderPrefix(await tempRoot(), 'buildx'));
  let logins: BuildDockerConfig | undefined;
  try {
    if (spec.logins && Object.keys(spec.logins).length > 0) logins = await buildDockerConfig(spec.logins, env);
    const args = ['buildx', 'build', '--progress', 'plain', '--load'];
    args.push('--iidfile', path.join(temp, 'iid'), '--metadata-file', path.join(temp, 'metadata.json'));
    args.push('--file', spec.dockerfile ?? 'Dockerfile');
    if (spec.builder) args.push('--builder', spec.builder);
    for (const tag of spec.tags ?? []) args.push('--tag', tag);
    for (const [key, value] of Object.entries(spec.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
    for (const [key, value] of Object.entries(spec.labels ?? {})) args.push('--label', `${key}=${value}`);
    if (spec.target) args.push('--target', spec.target);
    if (platform) args.push('--platform', platform);
    if (spec.noCache) args.push('--no-cache');
    for (const from of spec.cacheFrom ?? []) args.push('--cache-from', from);
    for (const to of spec.cacheTo ?? []) args.push('--cache-to', to);
    for (const secret of spec.secrets ?? []) args.push('--secret', secret);
    if (network) args.push('--network', network);
    args.push('.');

    const child = execa('docker', args, {
      cwd: spec.dir,
      env: { ...(logins?.env ?? env), BUILDX_NO_DEFAULT_ATTESTATIONS: '1' },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
      ...(spec.signal ? { cancelSignal: spec.signal, forceKillAfterDelay: 5_000 } : {}),
    });
    const progress = new PlainProgress();
    const log: string[] = [];
    const lines = createInterface({ input: child.stderr });
    for await (const raw of lines) {
      const line = scrub(raw, secrets);
      if (!line.trim()) continue;
      log.push(line);
      const step = progress.read(line);
      spec.onLine?.(line, step ? step.name : undefined);
    }
    const result = await child;
    if (result.isCanceled) throw spec.signal?.reason ?? new Error('the build was interrupted');
    if (result.exitCode !== 0) {
      const failed = progress.failedStep;
      const message = failed?.error ?? progress.failure ?? `docker buildx build exited with code ${result.exitCode}`;
      throw new BuildFailure(message, failed ? instructionOf(failed) : undefined, log, {
        frontend: isFrontendFailure(progress),
      });
    }
    const imageId = await loadedImageId(docker, temp);
    // A FROM shows as CACHED whenever the base image is at hand: only steps that ran count.
    const cached = progress.dockerfileSteps
      .filter((s) => s.cached)
      .map(instructionOf)
      .filter((name) => !/^FROM /i.test(name));
    return { imageId, log, builder: 'buildkit', cachedSteps: cached };
  } finally {
    await rm(temp, { recursive: true, force: true });
    await logins?.remove();
  }
}

/**
 * The engine's ID of the loaded image. The default `docker` driver writes the image ID to the
 * iidfile; other drivers write the manifest digest there and the config digest (the engine's
 * image ID after `--load`) to the metadata file.
 */
async function loadedImageId(docker: Docker, temp: string): Promise<string> {
  const iid = (await readFile(path.join(temp, 'iid'), 'utf8').catch(() => '')).trim();
  const metadata = JSON.parse(await readFile(path.join(temp, 'metadata.json'), 'utf8').catch(() => '{}')) as Record<
    string,
    unknown
  >;
  const candidates = [metadata['containerimage.config.digest'], iid, metadata['containerimage.digest']];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string' || !candidate.startsWith('sha256:')) continue;
    const image = await docker
      .getImage(candidate)
      .inspect()
      .catch(() => undefined);
    if (image) return image.Id;
  }
  throw new ModuleError('build-not-loaded', 'docker buildx build succeeded but its image is not in the Docker Engine', {
    kind: 'environment',
    hint: 'The builder must load into this engine: use the default builder, or one whose --load reaches DOCKER_HOST.',
  });
}

/**
 * `none` for RUN steps on an engine without a bridge network (BuildKit's default network there
 * fails with "network bridge not found"), only for the engine's own builder; else the builder's default.
 */
async function defaultNetwork(docker: Docker, spec: BuildSpec): Promise<string | undefined> {
  if (spec.builder) return undefined;
  const networks = await docker.listNetworks().catch(() => undefined);
  if (!networks || networks.some((n) => n.Name === 'bridge')) return undefined;
  return 'none';
}
