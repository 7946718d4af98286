// Multi-platform images, referrer artifacts and many-layer images made without the Docker engine,
// pushed through RegistryClient (on top of image-fixture.ts).
import { randomBytes } from 'node:crypto';
import type { RegistryClient } from '../../src/registry/client.js';
import { MediaType, sha256Digest, type Descriptor } from '../../src/registry/manifest.js';
import { pushImage, tinyImage, type TinyImage } from './image-fixture.js';

/** An OCI index over two platform images. */
export interface IndexImage {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  amd64: TinyImage;
  arm64: TinyImage;
}

/** Pushes a linux/amd64 and a linux/arm64 image and an index over them (OCI, or Docker's manifest list). */
export async function pushIndex(
  client: RegistryClient,
  repository: string,
  options: { version: string; note?: string; tag?: string; docker?: boolean },
): Promise<IndexImage> {
  const oci = options.docker !== true;
  const amd64 = tinyImage({
    oci,
    architecture: 'amd64',
    version: options.version,
    note: `${options.note ?? 'index'} amd64`,
  });
  const arm64 = tinyImage({
    oci,
    architecture: 'arm64',
    version: options.version,
    note: `${options.note ?? 'index'} arm64`,
  });
  await pushImage(client, repository, amd64);
  await pushImage(client, repository, arm64);
  const mediaType = oci ? MediaType.ociIndex : MediaType.dockerManifestList;
  const child = (image: TinyImage, architecture: string) => ({
    mediaType: image.mediaType,
    digest: image.digest,
    size: image.manifest.length,
    platform: { architecture, os: 'linux' },
  });
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType, manifests: [child(amd64, 'amd64'), child(arm64, 'arm64')] }),
  );
  const digest = await client.putManifest(repository, options.tag ?? sha256Digest(bytes), bytes, mediaType);
  return { bytes, digest, mediaType, amd64, arm64 };
}

/** An artifact (an SBOM, say) whose `subject` is another manifest. */
export interface Referrer {
  bytes: Buffer;
  digest: string;
  descriptor: Descriptor & { artifactType: string };
}

const EMPTY = Buffer.from('{}');
const SBOM_TYPE = 'application/vnd.example.sbom.v1+json';

/** Pushes a referrer of `subject` by digest; `tagSchema` also writes the sha256-<hex> tag index, as clients do for registries without the referrers API. */
export async function pushReferrer(
  client: RegistryClient,
  repository: string,
  subject: Descriptor,
  options: { note?: string; tagSchema?: boolean } = {},
): Promise<Referrer> {
  const sbom = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: options.note ?? 'sbom' }));
  const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(EMPTY), size: EMPTY.length };
  const layer = { mediaType: SBOM_TYPE, digest: sha256Digest(sbom), size: sbom.length };
  await client.uploadBlob(repository, empty.digest, EMPTY, empty.size);
  await client.uploadBlob(repository, layer.digest, sbom, layer.size);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: SBOM_TYPE,
      config: empty,
      layers: [layer],
      subject,
    }),
  );
  const digest = await client.putManifest(repository, sha256Digest(bytes), bytes, MediaType.ociManifest);
  const descriptor = { mediaType: MediaType.ociManifest, digest, size: bytes.length, artifactType: SBOM_TYPE };
  if (options.tagSchema) {
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [descriptor] }),
    );
    await client.putManifest(repository, subject.digest.replace(':', '-'), index, MediaType.ociIndex);
  }
  return { bytes, digest, descriptor };
}

/** An image whose layers are random bytes (incompressible), one blob per entry of `sizes`. */
export interface LayeredImage {
  manifest: Buffer;
  digest: string;
  mediaType: string;
  blobs: { digest: string; size: number }[];
  /** The config digest: the image ID the engine shows. */
  configDigest: string;
}

/** Pushes an image with random layers of the given sizes and a config labelled with `version` (and `labels`). */
export async function pushLayeredImage(
  client: RegistryClient,
  repository: string,
  sizes: number[],
  version = '1.0.0',
  tag?: string,
  labels: Record<string, string> = {},
): Promise<LayeredImage> {
  const layers: Descriptor[] = [];
  for (const size of sizes) {
    const bytes = randomBytes(size);
    const descriptor = { mediaType: MediaType.dockerLayer, digest: sha256Digest(bytes), size };
    await client.uploadBlob(repository, descriptor.digest, bytes, size);
    layers.push(descriptor);
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.opencontainers.image.version': version, ...labels } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
  );
  const configDescriptor = { mediaType: MediaType.dockerConfig, digest: sha256Digest(config), size: config.length };
  await client.uploadBlob(repository, configDescriptor.digest, config, config.length);
  const mediaType = MediaType.dockerManifest;
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, config: configDescriptor, layers }));
  const digest = await client.putManifest(repository, tag ?? sha256Digest(manifest), manifest, mediaType);
  return { manifest, digest, mediaType, blobs: [configDescriptor, ...layers], configDigest: configDescriptor.digest };
}
