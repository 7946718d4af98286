import type Docker from 'dockerode';
import { connectEngine } from '../engine/connect.js';
import { isModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import type { RegistryClient } from '../registry/client.js';
import { manifestPlatforms } from '../registry/manifest-platforms.js';
import type { RetryOptions } from '../retry/index.js';
import { formatReference } from '../registry/reference.js';
import { planTags, type TagPlan, type TagPlanOptions } from '../release/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { moveTagsForward, type PublishedTag } from './tags/tag-mover.js';
import { registryClientFor, targetReference } from './access/registry-access.js';
import { prepareRepository, type RepositoryOptions, type RepositoryOutcome } from './access/repository.js';
import { versionTaken } from './refusals.js';
import { stateDir } from './validation/validation-record.js';
import { tempRoot, whyUnwritable } from '../local/index.js';
import { loginFor, type LoginLookup } from './access/login.js';
import type { LayerCounts } from './push/push-image.js';
import { heldRelease, holdsRelease } from './publish/held-release.js';
import { afterPush, stopped } from './publish/publish-state.js';
import { releaseImages } from './publish/release-images.js';
import {
  engineCannotPushIndex,
  pushIndex,
  pushWithEngine,
  pushWithKit,
  type PublishedPlatform,
  type VersionPush,
} from './publish/version-push.js';

export type { PublishedPlatform } from './publish/version-push.js';

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
  /**
   * A multi-platform release (two or more, e.g. linux/amd64 and linux/arm64): each platform's
   * image (`<image>:<version>-<os>-<arch>` as a multi-platform build tags them, or `sources`) is
   * pushed, then an OCI image index over them takes the version and floating tags.
   */
  platforms?: string[];
  /** The local image of each platform (reference or ID), e.g. release's builds. */
  sources?: { platform: string; source: string }[];
  /** Platforms that may be published although their smoke run was skipped (this machine cannot run them). */
  skipSmokePlatforms?: string[];
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
  /** A multi-platform release: each platform's image in the index (`digest` is the index's). */
  platforms?: PublishedPlatform[];
}

/**
 * Publishes a local image (or one a platform, under an OCI image index): the version tag first,
 * then every floating tag by PUT of the same manifest bytes, each re-checked just before it moves
 * so that it only ever moves forward; finally every tag is read back and must resolve to the
 * digest (the last two steps are the tag mover's, shared with promote).
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
  const { plan, docker, images, held, existing } = await prepare(
    registry,
    target.repository,
    name,
    options,
    logger,
  ).catch((error: unknown) => {
    throw isModuleError(error) && error.code === 'interrupted' ? stopped(options.signal, nothingYet) : error;
  });
  const versionTag = plan.tags[0]?.tag ?? plan.version;
  const multiPlatform = images.some((image) => image.platform !== undefined);
  const imageIds = images.map((image) => image.imageId);

  const result: PublishResult = {
    image: name,
    version: plan.version,
    imageId: imageIds[0] ?? '',
    digest: undefined,
    dryRun: options.dryRun === true,
    alreadyPublished: false,
    skipValidate: options.skipValidate === true,
    plan,
    tags: [],
    skipped: [...plan.skipped],
    retries: 0,
  };
  result.alreadyPublished = held !== undefined && holdsRelease(held, imageIds, multiPlatform);
  if (held && !result.alreadyPublished && !options.force) {
    throw versionTaken(`${name}:${versionTag}`, held.digest);
  }
  result.repository = await prepareRepository(target, options.repository ?? {}, options.credentials, {
    dryRun: options.dryRun === true,
    logger,
    signal: options.signal,
  });
  if (options.dryRun) return result;
  if (options.signal?.aborted) throw stopped(options.signal, nothingYet);

  let pushed: VersionPush;
  if (result.alreadyPublished && held) {
    logger.info(`${name}:${versionTag} already holds this image (${held.digest}): nothing to upload`);
    pushed = { digest: held.digest, retries: 0 };
  } else {
    const step = logger.step(`pushing ${name}:${versionTag}`);
    const versionTarget = {
      docker,
      registry,
      repository: target.repository,
      name,
      versionTag,
      existing,
      logger,
      options,
    };
    const [first] = images;
    if (multiPlatform) pushed = await pushIndex(versionTarget, images);
    else if (options.pusher === 'engine' && first) pushed = await pushWithEngine(versionTarget, first);
    else if (first) pushed = await pushWithKit(versionTarget, first);
    else throw new Error('publish: no image to push');
    step.done(pushed.digest);
  }
  const digest = pushed.digest;
  result.digest = digest;
  if (pushed.layers) result.layers = pushed.layers;
  if (pushed.bytesUploaded !== undefined) result.bytesUploaded = pushed.bytesUploaded;
  if (pushed.platforms) result.platforms = pushed.platforms;
  else if (multiPlatform && held) result.platforms = await heldPlatforms(registry, target.repository, digest, images);
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
    result.retries = registry.retries + pushed.retries;
  }
  return result;
}

/** Everything read before anything is written: the plan, the local images, their validation, what the version tag holds. */
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
  const images = await releaseImages(docker, name, plan.version, options, logger);
  if (images.length > 1 && options.pusher === 'engine') throw engineCannotPushIndex();
  const held = await heldRelease(registry, repository, plan.tags[0]?.tag ?? plan.version);
  return { plan, docker, images, held, existing };
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

/** The platforms of an index that was there already (a re-run of the same release). */
async function heldPlatforms(
  registry: RegistryClient,
  repository: string,
  digest: string,
  images: { platform: unknown; imageId: string }[],
): Promise<PublishedPlatform[]> {
  const children = await manifestPlatforms(registry, repository, await registry.getManifest(repository, digest));
  return children.filter((child) => images.some((image) => image.imageId === child.imageId));
}
