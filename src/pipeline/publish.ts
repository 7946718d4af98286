import type Docker from 'dockerode';
import { connectEngine } from '../engine/connect.js';
import { localImage } from '../engine/image-id.js';
import { pushTag } from '../engine/push.js';
import { ModuleError, isModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { RegistryClient } from '../registry/client.js';
import type { RetryOptions } from '../retry/index.js';
import { isIndex, parseManifest } from '../registry/manifest.js';
import { formatReference } from '../registry/reference.js';
import { planTags, type TagPlan, type TagPlanOptions } from '../release/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { moveTagsForward, type PublishedTag } from './tags/tag-mover.js';
import { registryClientFor, targetReference } from './access/registry-access.js';
import { buildItFirst, notValidated, versionTaken } from './refusals.js';
import { prepareRepository, type RepositoryOptions, type RepositoryOutcome } from './access/repository.js';
import { findValidation, stateDir } from './validation/validation-record.js';
import { tempRoot, whyUnwritable } from '../local/index.js';
import { pushImage, type LayerCounts } from './push/push-image.js';
import { relatedImages } from './push/related.js';
import { loginFor, type LoginLookup } from './access/login.js';
import { engineAuth } from '../credentials/index.js';

/** Options of `mercure-module publish`. */
export interface PublishOptions extends LoginLookup {
  /** Target repository without tag: `acme/blur`, `127.0.0.1:5000/acme/blur`. */
  image: string;
  version: string;
  /** The local image to publish (reference or ID); default `<image>:<version>` as `build` tags it. */
  source?: string;
  credentials?: Credentials;
  tagOptions?: TagPlanOptions;
  dryRun?: boolean;
  /** Overwrite an existing version tag that holds a different image. */
  force?: boolean;
  /** Publish an image that never passed validate (printed in the output). */
  skipValidate?: boolean;
  /** Where validate records passing images (default: the user's state folder). */
  validationDir?: string;
  /** Registry API base URL override (plain http on a LAN, a proxy). */
  registryUrl?: string;
  /** Visibility and description of the target repository (Docker Hub), set before the first push. */
  repository?: RepositoryOptions;
  logger?: Logger;
  docker?: Docker;
  /** SIGINT/SIGTERM or a deadline: no push or tag move starts after it fires; the error says what was published. */
  signal?: AbortSignal;
  /** Retries of registry requests and of the engine's push (attempts = retries + 1); defaults: defaultRetryPolicy's. */
  retry?: RetryOptions;
  /** The fetch the registry client uses (tests wrap it). */
  fetch?: typeof fetch;
  /**
   * Who uploads the version: 'kit' (default: our own push, layers compressed in parallel and
   * uploaded in resumable chunks, base layers mounted or copied) or 'engine' (the Engine's push).
   */
  pusher?: Pusher;
  /** Where the layer cache lives (default: the user's state folder, like the Engine's own cache). */
  layerCacheDir?: string;
  /** The base image in its registry (`registry/repo:tag`), whose layers are mounted or copied, not uploaded; default: the image's `org.opencontainers.image.base.name` label. */
  baseImage?: string;
}

/** Who uploads the version tag's image. */
export type Pusher = 'kit' | 'engine';

export type { PublishedTag } from './tags/tag-mover.js';

export interface PublishResult {
  image: string;
  version: string;
  imageId: string;
  digest: string | undefined;
  dryRun: boolean;
  /** The version tag already held this image: nothing was uploaded. */
  alreadyPublished: boolean;
  skipValidate: boolean;
  plan: TagPlan;
  tags: PublishedTag[];
  skipped: { tag: string; reason: string }[];
  /** What was done to the repository before the push (visibility on Docker Hub). */
  repository?: RepositoryOutcome;
  /** Retries made on the way (registry requests and engine pushes), each logged once. */
  retries: number;
  /** How the layers got there (our own push only; absent when nothing was pushed or the Engine pushed). */
  layers?: LayerCounts;
  /** Compressed bytes this run uploaded (our own push only). */
  bytesUploaded?: number;
}

/**
 * Publishes a local image: the version tag first (pushed through the engine), then every
 * floating tag by PUT of the same manifest bytes, each re-checked just before it moves so that
 * it only ever moves forward; finally every tag is read back and must resolve to the digest
 * (the last two steps are the tag mover's, shared with promote).
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const logger = options.logger ?? silentLogger;
  const target = targetReference(
    options.image,
    `--image ${options.image}`,
    'The tags come from --version: give e.g. --image acme/blur --version 1.2.3.',
  );
  // Bad input fails here, before any request: the version and the tag options, planned against nothing.
  planTags(options.version, [], options.tagOptions ?? {});
  if (!options.dryRun && options.pusher !== 'engine') await checkPushFolders(options, logger);
  const credentials = await loginFor(target.registry, options.credentials, options, logger);
  options = { ...options, ...(credentials ? { credentials } : {}) };
  const registry = registryClientFor(target, {
    credentials: options.credentials,
    registryUrl: options.registryUrl,
    fetch: options.fetch,
    retry: options.retry,
    signal: options.signal,
    logger,
  });
  const name = formatReference({ ...target, tag: undefined, digest: undefined });
  const nothingYet = `before pushing ${name}:${options.version}: nothing was published`;
  const { plan, docker, source, imageId, held, existing, labels } = await prepare(
    registry,
    target.repository,
    name,
    options,
    logger,
  ).catch((error: unknown) => {
    throw isModuleError(error) && error.code === 'interrupted' ? stopped(options.signal, nothingYet) : error;
  });
  const versionTag = plan.tags[0]?.tag ?? plan.version;

  const result: PublishResult = {
    image: name,
    version: plan.version,
    imageId,
    digest: undefined,
    dryRun: options.dryRun === true,
    alreadyPublished: false,
    skipValidate: options.skipValidate === true,
    plan,
    tags: [],
    skipped: [...plan.skipped],
    retries: 0,
  };
  if (held && held.configDigest !== imageId && !options.force) {
    throw versionTaken(`${name}:${versionTag}`, held.digest);
  }
  result.alreadyPublished = held !== undefined && held.configDigest === imageId;
  result.repository = await prepareRepository(target, options.repository ?? {}, options.credentials, {
    dryRun: options.dryRun === true,
    logger,
    signal: options.signal,
  });
  if (options.dryRun) return result;
  if (options.signal?.aborted) throw stopped(options.signal, nothingYet);

  let pushRetries = 0;
  let digest: string;
  if (result.alreadyPublished && held) {
    logger.info(`${name}:${versionTag} already holds this image (${held.digest}): nothing to upload`);
    digest = held.digest;
  } else {
    const step = logger.step(`pushing ${name}:${versionTag}`);
    if (options.pusher === 'engine') {
      await docker.getImage(source).tag({ repo: name, tag: versionTag });
      digest = await pushTag(docker, name, versionTag, {
        ...(options.credentials ? { auth: engineAuth(options.credentials, target.registry) } : {}),
        onEvent: (line) => logger.debug(line),
        onProgress: (done, total) => logger.progress?.(`pushing ${name}:${versionTag}`, done, total),
        onRetry: (message) => {
          pushRetries++;
          logger.warn(message);
        },
        ...(options.signal ? { signal: options.signal } : {}),
        attempts: (options.retry?.retries ?? 4) + 1,
        // A push is many requests: it waits twice as long as one request before another try.
        ...(options.retry?.baseDelayMs !== undefined ? { baseDelayMs: options.retry.baseDelayMs * 2 } : {}),
        // A push whose answer was lost may have landed: the registry tells before another try.
        landed: async () => {
          const now = await heldImage(registry, target.repository, versionTag);
          return now?.configDigest === imageId ? now.digest : undefined;
        },
      });
    } else {
      const pushed = await pushImage({
        docker,
        source: imageId,
        registry,
        repository: target.repository,
        tag: versionTag,
        cacheDir: options.layerCacheDir ?? stateDir(),
        related: relatedImages(registry, target.repository, existing, baseOf(options, labels), options, logger),
        logger,
        signal: options.signal,
      }).catch((error: unknown) => {
        if (!isModuleError(error) || error.code !== 'interrupted') throw error;
        // The manifest PUT is the push's one write that names a tag, and it is never cut half-way.
        throw stopped(
          options.signal,
          `while pushing ${name}:${versionTag}: the version tag was not written; no floating tag was moved`,
        );
      });
      digest = pushed.digest;
      result.layers = pushed.layers;
      result.bytesUploaded = pushed.bytesUploaded;
      const { uploaded, present, mounted, copied } = pushed.layers;
      logger.info(
        `${name}:${versionTag}: ${uploaded} layer(s) uploaded (${(pushed.bytesUploaded / 1e6).toFixed(1)} MB), ${present} already there, ${mounted} mounted, ${copied} copied from the base image's registry`,
      );
    }
    step.done(digest);
  }
  result.digest = digest;
  try {
    const manifest = await registry.getManifest(target.repository, digest).catch((error: unknown) => {
      throw afterPush(error, `${name}:${versionTag}`, digest, plan);
    });
    const moved = await moveTagsForward({
      registry,
      repository: target.repository,
      name,
      digest,
      manifest,
      plan,
      tagOptions: options.tagOptions ?? {},
      alreadySet: [versionTag],
      logger,
      signal: options.signal,
    });
    result.skipped = moved.skipped;
    result.tags = moved.tags;
  } finally {
    result.retries = registry.retries + pushRetries;
  }
  return result;
}

/** Everything read before anything is written: the plan, the local image, its validation, what the version tag holds. */
async function prepare(
  registry: RegistryClient,
  repository: string,
  name: string,
  options: PublishOptions,
  logger: Logger,
) {
  const existing = await registry.listTags(repository);
  const plan = planTags(options.version, existing, options.tagOptions ?? {});
  const docker = await connectEngine(options.docker ? { docker: options.docker } : {});
  const source = options.source ?? `${name}:${plan.version}`;
  const { imageId, labels } = await localImage(docker, source, buildItFirst);
  await requireValidation(imageId, source, options, logger);
  const held = await heldImage(registry, repository, plan.tags[0]?.tag ?? plan.version);
  return { plan, docker, source, imageId, held, existing, labels };
}

/** The base image to take layers from: the option, else the OCI base-name label. */
function baseOf(options: PublishOptions, labels: Record<string, string>): string | undefined {
  return options.baseImage ?? labels['org.opencontainers.image.base.name'];
}

/** ModuleError 'interrupted' (or "timed out" for a deadline) saying what state the publish stopped in. */
function stopped(signal: AbortSignal | undefined, state: string): ModuleError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'interrupted';
  return new ModuleError('interrupted', `${why}${state ? ` ${state}` : ''}`, {
    kind: 'environment',
    hint: 'Run the same command again to publish: nothing needs undoing.',
  });
}

/** A failure between the push and the first tag move: the version is published, no floating tag moved. */
function afterPush(error: unknown, reference: string, digest: string, plan: TagPlan): unknown {
  if (!isModuleError(error)) return error;
  const floating = plan.tags.slice(1).map((t) => t.tag);
  const state = `${reference} is pushed (${digest})${floating.length ? `; not moved: ${floating.join(', ')}` : ''}`;
  const message =
    error.code === 'interrupted'
      ? `${error.message.startsWith('timed out') ? 'timed out' : 'interrupted'}: ${state}`
      : `${error.message}; ${state}`;
  return new ModuleError(error.code, message, {
    kind: error.kind,
    hint: 'Run the same command again to finish: publishing is idempotent.',
    cause: error,
  });
}

/** Our push spools layers in a temp folder (checked now) and remembers them in the state folder (a shortcut: said, not fatal). */
async function checkPushFolders(options: PublishOptions, logger: Logger): Promise<void> {
  await tempRoot(logger);
  const cacheDir = options.layerCacheDir ?? stateDir();
  const why = await whyUnwritable(cacheDir);
  if (why)
    logger.warn(
      `the layer cache ${cacheDir} cannot be written (${why.at} ${why.reason}): this push is not remembered, so the next one compresses every layer again`,
    );
}

async function requireValidation(
  imageId: string,
  source: string,
  options: PublishOptions,
  logger: Logger,
): Promise<void> {
  if (options.skipValidate) {
    logger.warn(
      options.dryRun
        ? `dry run: ${source} would be published WITHOUT validation (--skip-validate)`
        : `publishing ${source} WITHOUT validation (--skip-validate)`,
    );
    return;
  }
  if (await findValidation(imageId, options.validationDir ?? stateDir())) return;
  throw notValidated(source, imageId);
}

/** The digest a tag holds now and its image's config digest (the local image ID when it is ours). */
async function heldImage(
  registry: RegistryClient,
  repository: string,
  tag: string,
): Promise<{ digest: string; configDigest: string | undefined } | undefined> {
  const head = await registry.headManifest(repository, tag);
  if (!head) return undefined;
  const stored = await registry.getManifest(repository, head.digest);
  const manifest = parseManifest(stored.bytes, `${repository}:${tag}`);
  return { digest: stored.digest, configDigest: isIndex(manifest) ? undefined : manifest.config.digest };
}
