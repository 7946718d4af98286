// Uploading the version tag: one image by our own push (default) or the Engine's, or, for a
// multi-platform release, each platform's image by digest and then an OCI image index over them.
import type Docker from 'dockerode';
import { engineAuth } from '../../credentials/index.js';
import { pushTag } from '../../engine/push.js';
import { ModuleError, isModuleError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Credentials } from '../../registry/auth.js';
import type { RegistryClient } from '../../registry/client.js';
import { MediaType, type Descriptor } from '../../registry/manifest.js';
import { formatPlatform, type Platform } from '../../registry/platform.js';
import type { RetryOptions } from '../../retry/index.js';
import { stateDir } from '../validation/validation-record.js';
import { pushImage, type LayerCounts } from '../push/push-image.js';
import { relatedImages } from '../push/related.js';
import { heldRelease } from './held-release.js';
import { stopped } from './publish-state.js';
import type { ReleaseImage } from './release-images.js';

/** Where and how the version is pushed. */
export interface VersionTarget {
  docker: Docker;
  registry: RegistryClient;
  repository: string;
  /** `registry/repository` as shown. */
  name: string;
  versionTag: string;
  /** The tags the repository has now (the newest release shares layers with this one). */
  existing: string[];
  logger: Logger;
  options: {
    credentials?: Credentials | undefined;
    signal?: AbortSignal | undefined;
    retry?: RetryOptions | undefined;
    fetch?: typeof fetch | undefined;
    layerCacheDir?: string | undefined;
    baseImage?: string | undefined;
  };
}

/** One platform's image in a published index. */
export interface PublishedPlatform {
  platform: string;
  imageId: string;
  /** Its image manifest's digest (a child of the index). */
  digest: string;
}

/** What pushing the version did. */
export interface VersionPush {
  digest: string;
  retries: number;
  layers?: LayerCounts;
  bytesUploaded?: number;
  platforms?: PublishedPlatform[];
}

/** The Engine pushes `<name>:<version>` (its own retries, each whole; the registry is asked whether a lost push landed). */
export async function pushWithEngine(target: VersionTarget, image: ReleaseImage): Promise<VersionPush> {
  const { docker, name, versionTag, logger, options } = target;
  let retries = 0;
  await docker.getImage(image.source).tag({ repo: name, tag: versionTag });
  const registryHost = target.registry.registry;
  const digest = await pushTag(docker, name, versionTag, {
    ...(options.credentials ? { auth: engineAuth(options.credentials, registryHost) } : {}),
    onEvent: (line) => logger.debug(line),
    onProgress: (done, total) => logger.progress?.(`pushing ${name}:${versionTag}`, done, total),
    onRetry: (message) => {
      retries++;
      logger.warn(message);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    attempts: (options.retry?.retries ?? 4) + 1,
    // A push is many requests: it waits twice as long as one request before another try.
    ...(options.retry?.baseDelayMs !== undefined ? { baseDelayMs: options.retry.baseDelayMs * 2 } : {}),
    // A push whose answer was lost may have landed: the registry tells before another try.
    landed: async () => {
      const now = await heldRelease(target.registry, target.repository, versionTag);
      return now && !now.index && now.configDigests[0] === image.imageId ? now.digest : undefined;
    },
  });
  return { digest, retries };
}

/** Our own push of one image, under the version tag or (for an index) by digest. */
async function pushOne(target: VersionTarget, image: ReleaseImage, tag: string | undefined) {
  const { registry, repository, name, versionTag, logger, options } = target;
  const shown = `${name}:${versionTag}${image.platform ? ` ${formatPlatform(image.platform)}` : ''}`;
  const base = options.baseImage ?? image.labels['org.opencontainers.image.base.name'];
  const pushed = await pushImage({
    docker: target.docker,
    source: image.imageId,
    registry,
    repository,
    tag,
    label: shown,
    oci: image.platform !== undefined,
    cacheDir: options.layerCacheDir ?? stateDir(),
    related: relatedImages(registry, repository, target.existing, base, options, logger),
    logger,
    signal: options.signal,
  }).catch((error: unknown) => {
    if (!isModuleError(error) || error.code !== 'interrupted') throw error;
    // The manifest PUT is the push's one write that names a tag, and it is never cut half-way.
    throw stopped(options.signal, `while pushing ${shown}: the version tag was not written; no floating tag was moved`);
  });
  const { uploaded, present, mounted, copied } = pushed.layers;
  logger.info(
    `${shown}: ${uploaded} layer(s) uploaded (${(pushed.bytesUploaded / 1e6).toFixed(1)} MB), ${present} already there, ${mounted} mounted, ${copied} copied from the base image's registry`,
  );
  return pushed;
}

/** Our own push of the one image of a single-platform release. */
export async function pushWithKit(target: VersionTarget, image: ReleaseImage): Promise<VersionPush> {
  const pushed = await pushOne(target, image, target.versionTag);
  return { digest: pushed.digest, retries: 0, layers: pushed.layers, bytesUploaded: pushed.bytesUploaded };
}

/**
 * A multi-platform release: each platform's image pushed by digest (OCI media types), then an OCI
 * image index over them under the version tag. OCI rather than a Docker manifest list: it is the
 * index type of the OCI distribution spec that every current registry and the Engine (since 17.x)
 * pull, buildx's default, and its children are then OCI manifests too, never a mix of both families.
 */
export async function pushIndex(target: VersionTarget, images: ReleaseImage[]): Promise<VersionPush> {
  const counts: LayerCounts = { uploaded: 0, present: 0, mounted: 0, copied: 0 };
  let bytesUploaded = 0;
  const manifests: (Descriptor & { platform: Platform })[] = [];
  const platforms: PublishedPlatform[] = [];
  for (const image of images) {
    if (!image.platform) throw new Error('pushIndex: every image of an index has a platform');
    const pushed = await pushOne(target, image, undefined);
    for (const key of Object.keys(counts) as (keyof LayerCounts)[]) counts[key] += pushed.layers[key];
    bytesUploaded += pushed.bytesUploaded;
    manifests.push({ mediaType: pushed.mediaType, digest: pushed.digest, size: pushed.size, platform: image.platform });
    platforms.push({ platform: formatPlatform(image.platform), imageId: image.imageId, digest: pushed.digest });
  }
  if (target.options.signal?.aborted)
    throw stopped(
      target.options.signal,
      `before the index ${target.name}:${target.versionTag} was put: no tag was written`,
    );
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
  const bytes = Buffer.from(JSON.stringify(index, null, 2));
  const digest = await target.registry.putManifest(target.repository, target.versionTag, bytes, MediaType.ociIndex);
  return { digest, retries: 0, layers: counts, bytesUploaded, platforms };
}

/** The Engine's push cannot put an index: a multi-platform release needs our own. */
export function engineCannotPushIndex(): ModuleError {
  return new ModuleError('multi-platform', 'the Engine’s push cannot publish a multi-platform index', {
    hint: (say) =>
      `Use our own push (${say.option('pusher', 'kit')}, the default) for a release with several platforms.`,
  });
}
