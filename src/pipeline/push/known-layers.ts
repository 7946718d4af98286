// Where a layer's compressed blob may already exist, so that it is never compressed or uploaded
// again: the local layer cache, the image the target's tags hold now (a re-release shares most
// layers with the last one), and the base image in its own registry (found through its manifest).
import { isModuleError } from '../../errors.js';
import type { RegistryClient } from '../../registry/client.js';
import { isIndex, parseManifest, type Descriptor } from '../../registry/manifest.js';
import type { Logger } from '../../logger.js';
import type { LayerCache } from './layer-cache.js';

/** A compressed blob of a layer, and the repositories (with their registry's client) that hold it. */
export interface KnownBlob {
  descriptor: Descriptor;
  /** Repositories that hold it, best first: same-registry ones are mounted, others copied from. */
  holders: { client: RegistryClient | undefined; registry: string; repository: string }[];
}

/** An image in a registry whose layers the pushed image may share. */
export interface ImageSource {
  client: RegistryClient;
  repository: string;
  ref: string;
}

/** Known blobs by diff ID, from the cache and from the images given (their manifests and configs). */
export async function knownLayers(
  diffIds: readonly string[],
  cache: LayerCache,
  images: ImageSource[],
  platform: { os?: string | undefined; architecture?: string | undefined },
  logger: Logger,
): Promise<Map<string, KnownBlob>> {
  const known = new Map<string, KnownBlob>();
  const add = (diffId: string, descriptor: Descriptor, holder: KnownBlob['holders'][number]) => {
    const entry = known.get(diffId);
    if (!entry) known.set(diffId, { descriptor, holders: [holder] });
    else if (entry.descriptor.digest === descriptor.digest) entry.holders.push(holder);
  };
  for (const image of images) {
    const layers = await imageLayers(image, platform).catch((error: unknown) => {
      if (!isModuleError(error)) throw error;
      if (error.code === 'interrupted') throw error;
      logger.warn(
        `could not read the layers of ${image.client.registry}/${image.repository}:${image.ref} (${error.message}): they will be uploaded`,
      );
      return [];
    });
    for (const [diffId, descriptor] of layers) {
      if (diffIds.includes(diffId))
        add(diffId, descriptor, {
          client: image.client,
          registry: image.client.registry,
          repository: image.repository,
        });
    }
  }
  for (const diffId of diffIds) {
    const cached = cache.get(diffId);
    if (!cached) continue;
    const descriptor = { mediaType: cached.mediaType, digest: cached.digest, size: cached.size };
    for (const where of cached.repositories) {
      const slash = where.indexOf('/');
      add(diffId, descriptor, {
        client: undefined,
        registry: where.slice(0, slash),
        repository: where.slice(slash + 1),
      });
    }
  }
  return known;
}

/** An image's layers as [diff ID, compressed descriptor] pairs; for an index, the platform's image. */
async function imageLayers(
  image: ImageSource,
  platform: { os?: string | undefined; architecture?: string | undefined },
): Promise<[string, Descriptor][]> {
  let stored = await image.client.getManifest(image.repository, image.ref);
  let manifest = parseManifest(stored.bytes, `${image.repository}:${image.ref}`);
  if (isIndex(manifest)) {
    const child = manifest.manifests.find(
      (m) =>
        m.platform &&
        m.platform.os === (platform.os ?? 'linux') &&
        m.platform.architecture === (platform.architecture ?? 'amd64'),
    );
    if (!child) return [];
    stored = await image.client.getManifest(image.repository, child.digest);
    manifest = parseManifest(stored.bytes, `${image.repository}@${child.digest}`);
    if (isIndex(manifest)) return [];
  }
  const config = await image.client.getConfig(image.repository, manifest);
  const diffIds = (config as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) return [];
  return manifest.layers.map((layer, i) => [diffIds[i] ?? '', layer]);
}
