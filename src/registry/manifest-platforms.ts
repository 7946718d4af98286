// The platforms a stored manifest offers: each image of an index (attestations left out), or the
// one image of a plain manifest, by its config's os/architecture. status lists them; publish
// reads its own index back through them.
import type { RegistryClient, StoredManifest } from './client.js';
import { isIndex, parseManifest } from './manifest.js';
import { formatPlatform, platformOf } from './platform.js';

/** One platform's image in a registry. */
export interface PlatformManifest {
  /** `linux/amd64`, `linux/arm/v7`. */
  platform: string;
  /** The image manifest's digest (a child's, for an index). */
  digest: string;
  /** The config digest: the image ID the Engine shows after a pull. */
  imageId: string;
}

/** The platform images of a stored manifest: an index's children (one level), or the manifest itself. */
export async function manifestPlatforms(
  client: RegistryClient,
  repository: string,
  stored: StoredManifest,
): Promise<PlatformManifest[]> {
  const manifest = parseManifest(stored.bytes, `${repository}@${stored.digest}`);
  if (!isIndex(manifest)) {
    const config = await client.getConfig(repository, manifest);
    return [
      {
        platform: formatPlatform(
          platformOf({
            ...(config.os ? { os: config.os } : {}),
            ...(config.architecture ? { architecture: config.architecture } : {}),
            ...(typeof config['variant'] === 'string' ? { variant: config['variant'] } : {}),
          }),
        ),
        digest: stored.digest,
        imageId: manifest.config.digest,
      },
    ];
  }
  const platforms: PlatformManifest[] = [];
  // Attestation manifests (BuildKit's provenance, SBOM) carry platform unknown/unknown.
  for (const child of manifest.manifests) {
    if (!child.platform || child.platform.os === 'unknown') continue;
    const image = parseManifest(
      (await client.getManifest(repository, child.digest)).bytes,
      `${repository}@${child.digest}`,
    );
    if (isIndex(image)) continue;
    platforms.push({
      platform: formatPlatform(platformOf(child.platform)),
      digest: child.digest,
      imageId: image.config.digest,
    });
  }
  return platforms;
}
