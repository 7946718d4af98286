import type Docker from 'dockerode';
import { ModuleError } from '../errors.js';
import { reason } from './connect.js';
import { listBuildContext, packBuildContext } from './context.js';

/** What to build and how; everything but `dir` is optional. */
export interface BuildSpec {
  dir: string;
  dockerfile?: string;
  /** Full references to tag the result with, e.g. `acme/blur:1.2.3`. */
  tags?: string[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  platform?: string;
  /** Engine network mode for RUN steps; the engine's default when undefined. */
  network?: string;
  noCache?: boolean;
  /** Each progress line of the build (step headers and RUN output). */
  onLine?: (line: string) => void;
}

export interface BuildResult {
  imageId: string;
  /** The whole build output, for the report's log tail. */
  log: string[];
}

/** Thrown when the Dockerfile fails to build; carries the failing step and the output tail. */
export class BuildFailure extends Error {
  constructor(
    message: string,
    readonly step: string | undefined,
    readonly log: string[],
  ) {
    super(message);
  }
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Builds an image through the Engine's API from a context that honours .dockerignore. Build
 * errors arrive as JSON lines inside an HTTP 200 stream, so they are read here and turned into a
 * BuildFailure naming the Dockerfile step that failed.
 */
export async function buildImage(docker: Docker, spec: BuildSpec): Promise<BuildResult> {
  const dockerfile = spec.dockerfile ?? 'Dockerfile';
  const context = await listBuildContext(spec.dir, dockerfile);
  const options: Record<string, unknown> = { dockerfile, t: spec.tags ?? [], rm: true, forcerm: true };
  if (spec.buildArgs && Object.keys(spec.buildArgs).length > 0) options['buildargs'] = spec.buildArgs;
  if (spec.labels && Object.keys(spec.labels).length > 0) options['labels'] = spec.labels;
  if (spec.target) options['target'] = spec.target;
  if (spec.platform) options['platform'] = spec.platform;
  if (spec.network) options['networkmode'] = spec.network;
  if (spec.noCache) options['nocache'] = true;

  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(packBuildContext(context), options);
  } catch (error) {
    throw new ModuleError('engine-error', `the Docker Engine refused the build: ${reason(error)}`, {
      kind: 'environment',
    });
  }
  const log: string[] = [];
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
            spec.onLine?.(line);
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
  if (!imageId.startsWith('sha256:')) imageId = (await docker.getImage(imageId).inspect()).Id;
  return { imageId, log };
}
