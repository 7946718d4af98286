import { createHash } from 'node:crypto';
import { ModuleError } from '../errors.js';

/** The four manifest media types we read and write, by their everyday names. */
export const MediaType = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** The Accept header value for manifest requests: all four manifest media types. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
].join(', ');

/** Whether a media type is an index (OCI index or Docker manifest list) rather than one image. */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

/** A content descriptor: what a manifest says about a blob or a child manifest. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

/** An image manifest (Docker schema 2 or OCI): a config blob and layer blobs. */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** An index (OCI index or Docker manifest list): child manifests, one per platform or attestation. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The `sha256:<hex>` digest of some bytes. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Parses manifest bytes; an index has `manifests`, an image manifest `config` and `layers`. */
export function parseManifest(bytes: Uint8Array, where: string): ImageManifest | ImageIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ModuleError('registry-bad-response', `manifest ${where} is not JSON`, {
      kind: 'environment',
      cause: error,
    });
  }
  if (typeof doc === 'object' && doc !== null && ('manifests' in doc || 'config' in doc)) {
    return doc as ImageManifest | ImageIndex;
  }
  throw new ModuleError('registry-bad-response', `manifest ${where} has neither "config" nor "manifests"`, {
    kind: 'environment',
    hint: 'Only Docker schema 2 and OCI manifests are supported; re-push the image with a current Docker.',
  });
}

/** Whether a parsed manifest is an index (has child manifests). */
export function isIndex(manifest: ImageManifest | ImageIndex): manifest is ImageIndex {
  return 'manifests' in manifest && Array.isArray(manifest.manifests);
}

/** The parts of an image config (the JSON a manifest's `config` points at) we read. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  config?: {
    Labels?: Record<string, string> | null;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    User?: string;
    WorkingDir?: string;
  };
  created?: string;
  [key: string]: unknown;
}
