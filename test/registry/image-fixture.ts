// Real image content made without the Docker engine: a gzipped ustar layer, a config blob and a
// schema 2 (or OCI) manifest, pushed through RegistryClient.
import { gzipSync } from 'node:zlib';
import type { RegistryClient } from '../../src/registry/client.js';
import { MediaType, sha256Digest, type Descriptor } from '../../src/registry/manifest.js';

/** One ustar archive holding the given files (mode 0755, fixed mtime so digests are stable). */
export function tarOf(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text, 'utf8');
    const header = Buffer.alloc(512);
    const field = (value: string, offset: number, length: number) => header.write(value, offset, length, 'ascii');
    const octal = (value: number, offset: number, length: number) =>
      field(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
    field(name, 0, 100);
    octal(0o755, 100, 8);
    octal(0, 108, 8);
    octal(0, 116, 8);
    octal(body.length, 124, 12);
    octal(1_700_000_000, 136, 12);
    field('        ', 148, 8); // checksum is computed with its own field as spaces
    field('0', 156, 1);
    field('ustar\0', 257, 6);
    field('00', 263, 2);
    let sum = 0;
    for (const byte of header) sum += byte;
    field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A blob with its descriptor. */
export interface Blob {
  bytes: Buffer;
  descriptor: Descriptor;
}

/** A tiny image: a config, one layer and the manifest over them. */
export interface TinyImage {
  config: Blob;
  layer: Blob;
  manifest: Buffer;
  mediaType: string;
  digest: string;
}

function blob(bytes: Buffer, mediaType: string): Blob {
  return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length } };
}

/** Builds a tiny image; `oci` switches every media type from Docker schema 2 to OCI. */
export function tinyImage(
  options: { version?: string; architecture?: string; oci?: boolean; note?: string } = {},
): TinyImage {
  const tar = tarOf({ 'docker-entrypoint.sh': `#!/bin/sh\necho ${options.note ?? 'hello'}\n` });
  const layer = blob(gzipSync(tar), options.oci ? MediaType.ociLayer : MediaType.dockerLayer);
  const configJson = {
    architecture: options.architecture ?? 'amd64',
    os: 'linux',
    config: {
      Cmd: ['./docker-entrypoint.sh'],
      Labels: {
        'org.opencontainers.image.version': options.version ?? '1.2.3',
        'org.opencontainers.image.title': 'tiny',
      },
    },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
  };
  const config = blob(
    Buffer.from(JSON.stringify(configJson)),
    options.oci ? MediaType.ociConfig : MediaType.dockerConfig,
  );
  const mediaType = options.oci ? MediaType.ociManifest : MediaType.dockerManifest;
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType, config: config.descriptor, layers: [layer.descriptor] }, null, 3),
  );
  return { config, layer, manifest, mediaType, digest: sha256Digest(manifest) };
}

/** Uploads an image's blobs and puts its manifest under `ref` (a tag, or its digest). */
export async function pushImage(
  client: RegistryClient,
  repository: string,
  image: TinyImage,
  ref = image.digest,
): Promise<string> {
  for (const part of [image.config, image.layer]) {
    await client.uploadBlob(repository, part.descriptor.digest, part.bytes, part.descriptor.size);
  }
  return client.putManifest(repository, ref, image.manifest, image.mediaType);
}
