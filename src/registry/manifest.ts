import { createHash } from 'node:crypto';
import { inputForMessage, ModuleError } from '../errors.js';
import { isContentDigest, parsePeerJson } from './peer-answer.js';

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

/**
 * Parses manifest bytes and checks their shape: an index has `manifests`, an image manifest
 * `config` and `layers`, every descriptor a digest and a size. With `registry` (bytes as they came
 * from it), what is wrong is that registry's fault and named so.
 */
export function parseManifest(bytes: Uint8Array, where: string, registry?: string): ImageManifest | ImageIndex {
  const text = Buffer.from(bytes).toString('utf8');
  if (registry !== undefined)
    return parsePeerJson<ImageManifest | ImageIndex>(
      text,
      { registry, what: `GET manifest ${where}` },
      manifestProblem,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ModuleError('registry-bad-response', `manifest ${where} is not JSON`, {
      kind: 'environment',
      cause: error,
    });
  }
  const problem = manifestProblem(doc);
  if (problem === undefined) return doc as ImageManifest | ImageIndex;
  throw new ModuleError('registry-bad-response', `manifest ${where} ${problem}`, {
    kind: 'environment',
    hint: 'Only Docker schema 2 and OCI manifests are supported; re-push the image with a current Docker.',
  });
}

/** What is wrong with a manifest document ("has neither ..."), or undefined when it is sound. */
function manifestProblem(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'is not a JSON object';
  const fields = doc as Record<string, unknown>;
  if ('manifests' in fields) return listProblem(fields, 'manifests');
  if ('config' in fields) {
    const problem = descriptorProblem(fields['config']);
    if (problem) return `has a "config" that ${problem}`;
    return listProblem(fields, 'layers');
  }
  return 'has neither "config" nor "manifests"';
}

function listProblem(fields: Record<string, unknown>, key: string): string | undefined {
  const list = fields[key];
  if (!Array.isArray(list)) return `has "${key}" that is not a list`;
  for (const [i, item] of list.entries()) {
    const problem = descriptorProblem(item);
    if (problem) return `has "${key}"[${i}] that ${problem}`;
  }
  return undefined;
}

/** What is wrong with a descriptor (digest, size, media type), or undefined. */
export function descriptorProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const { digest, size, mediaType } = value as Record<string, unknown>;
  if (!isContentDigest(digest)) return `has no valid "digest" (${shownValue(digest)})`;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    return `has no valid "size" (${shownValue(size)})`;
  if (mediaType !== undefined && typeof mediaType !== 'string') return 'has a "mediaType" that is not text';
  return undefined;
}

function shownValue(value: unknown): string {
  return value === undefined ? 'none' : inputForMessage(JSON.stringify(value) ?? typeof value, 60);
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
