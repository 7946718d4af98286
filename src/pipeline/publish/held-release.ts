// What the version tag holds already, compared with what a publish would put there: the same
// image (or, for a multi-platform release, the same image for every platform) means nothing to upload.
import type { RegistryClient } from '../../registry/client.js';
import { isIndex, parseManifest } from '../../registry/manifest.js';

/** The digest a tag holds and the config digests (image IDs) of its image, or of each image of its index. */
export interface HeldRelease {
  digest: string;
  index: boolean;
  configDigests: string[];
}

/** What `tag` holds now, or undefined when it does not exist. */
export async function heldRelease(
  registry: RegistryClient,
  repository: string,
  tag: string,
): Promise<HeldRelease | undefined> {
  const head = await registry.headManifest(repository, tag);
  if (!head) return undefined;
  const stored = await registry.getManifest(repository, head.digest);
  const manifest = parseManifest(stored.bytes, `${repository}:${tag}`);
  if (!isIndex(manifest)) return { digest: stored.digest, index: false, configDigests: [manifest.config.digest] };
  const configDigests: string[] = [];
  // Attestation manifests (platform unknown/unknown) are no image a server runs.
  for (const child of manifest.manifests.filter((m) => m.platform && m.platform.os !== 'unknown')) {
    const stored = await registry.getManifest(repository, child.digest);
    const image = parseManifest(stored.bytes, `${repository}@${child.digest}`);
    if (!isIndex(image)) configDigests.push(image.config.digest);
  }
  return { digest: stored.digest, index: true, configDigests };
}

/** Whether the tag holds exactly these images: one image as a plain manifest, several as an index of them. */
export function holdsRelease(held: HeldRelease, imageIds: readonly string[], multiPlatform: boolean): boolean {
  if (held.index !== multiPlatform) return false;
  const have = [...held.configDigests].sort();
  const want = [...imageIds].sort();
  return have.length === want.length && have.every((d, i) => d === want[i]);
}
