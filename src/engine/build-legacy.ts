import type Docker from 'dockerode';
import { ModuleError } from '../errors.js';
import { buildkitOnlyOptions, singlePlatform } from './build-settings.js';
import { BuildFailure, type BuildResult, type BuildSpec } from './build-types.js';
import { reason } from './connect.js';
import { listBuildContext, packBuildContext } from './context.js';
import { configKey } from '../credentials/build-config.js';
import { allConfigLogins } from '../credentials/lookup.js';
import type { Credentials } from '../registry/auth.js';
import { imageIdOf } from './image-id.js';

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** What the Engine's legacy builder cannot do, for the warning when builds fall back to it. */
export const LEGACY_LIMITS =
  'COPY --chmod/--link, RUN --mount (caches, secrets), heredocs, # syntax= frontends, build caches (cache-from/cache-to), build secrets and buildx builders';

/**
 * Builds an image through the Engine's API (its legacy builder) from a context that honours
 * .dockerignore. Build errors arrive as JSON lines inside an HTTP 200 stream, so they are read
 * here and turned into a BuildFailure naming the Dockerfile step that failed.
 */
export async function buildWithEngine(docker: Docker, spec: BuildSpec): Promise<BuildResult> {
  const unsupported = buildkitOnlyOptions(spec);
  if (unsupported.length > 0)
    throw new ModuleError(
      'needs-buildx',
      `${unsupported.join(', ')} need BuildKit, and docker buildx is not available`,
      {
        hint: 'Install the Docker buildx plugin (on Debian 12: `bash scripts/setup.sh`; elsewhere: Docker’s docker-buildx-plugin package).',
      },
    );
  const dockerfile = spec.dockerfile ?? 'Dockerfile';
  const platform = singlePlatform(spec.platforms);
  const context = await listBuildContext(spec.dir, dockerfile);
  const options: Record<string, unknown> = { dockerfile, t: spec.tags ?? [], rm: true, forcerm: true };
  if (spec.buildArgs && Object.keys(spec.buildArgs).length > 0) options['buildargs'] = spec.buildArgs;
  if (spec.labels && Object.keys(spec.labels).length > 0) options['labels'] = spec.labels;
  if (spec.target) options['target'] = spec.target;
  if (platform) options['platform'] = platform;
  if (spec.buildNetwork) options['networkmode'] = spec.buildNetwork;
  if (spec.noCache) options['nocache'] = true;
  // The Engine's builder pulls with the logins in X-Registry-Config only: the Docker CLI sends every
  // login of its config there, and so do we, with those given to us on top.
  const logins = { ...(await allConfigLogins(spec.env ? { env: spec.env } : {})), ...spec.logins };
  if (Object.keys(logins).length > 0) options['registryconfig'] = registryConfig(logins);

  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(packBuildContext(context), options);
  } catch (error) {
    throw new ModuleError('engine-error', `the Docker Engine refused the build: ${reason(error)}`, {
      kind: 'environment',
    });
  }
  const log: string[] = [];
  const cachedSteps: string[] = [];
  let step: string | undefined;
  let failure: string | undefined;
  let imageId: string | undefined;
  const events = await new Promise<ProgressEvent[]>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, all: ProgressEvent[]) => (error ? reject(error) : resolve(all)),
      (event: ProgressEvent) => {
        if (event.stream) {
          for (const line of event.stream.split('\n')) {
            if (!line.trim()) continue;
            log.push(line);
            if (/^Step \d+\/\d+ : /.test(line)) step = line;
            else if (step && /^ ---> Using cache/.test(line)) cachedSteps.push(step.replace(/^Step \d+\/\d+ : /, ''));
            spec.onLine?.(line, step);
          }
        }
        if (event.aux?.ID) imageId = event.aux.ID;
        if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error;
      },
    );
  });
  if (failure) throw new BuildFailure(failure, step, log);
  imageId ??= events.map((e) => /Successfully built ([0-9a-f]+)/.exec(e.stream ?? '')?.[1]).find(Boolean);
  if (!imageId) throw new BuildFailure('the build ended without producing an image', step, log);
  if (!imageId.startsWith('sha256:')) imageId = await imageIdOf(docker, imageId);
  return { imageId, log, builder: 'legacy', cachedSteps };
}

/** X-Registry-Config: logins by config key, as the Engine API's build endpoint takes them. */
function registryConfig(logins: Record<string, Credentials>): Record<string, Record<string, string>> {
  const config: Record<string, Record<string, string>> = {};
  for (const [registry, login] of Object.entries(logins)) {
    config[configKey(registry)] = login.identityToken
      ? { identitytoken: login.password, serveraddress: registry }
      : { username: login.username, password: login.password, serveraddress: registry };
  }
  return config;
}
