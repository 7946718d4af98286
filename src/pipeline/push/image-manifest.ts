// The image manifest our push puts last, once every blob is confirmed: the config (whose digest
// is the validated image ID) and the layers, in the Docker or the OCI media types.
import { ModuleError } from '../../errors.js';
import type { RegistryClient } from '../../registry/client.js';
import { MediaType, sha256Digest, type Descriptor } from '../../registry/manifest.js';

/** What goes into an image manifest. */
export interface ManifestParts {
  configDigest: string;
  configSize: number;
  layers: Descriptor[];
  /** OCI media types (an OCI layout, or an image of an OCI index), else Docker's. */
  oci: boolean;
}

/** Puts the manifest under `tag`, or by its own digest without one; returns its digest and media type. */
export async function putImageManifest(
  registry: RegistryClient,
  repository: string,
  tag: string | undefined,
  parts: ManifestParts,
): Promise<{ digest: string; mediaType: string; size: number }> {
  const { oci } = parts;
  const layers = parts.layers.map((found): Descriptor => {
    // A gzip layer is the same bytes under either name; other media types are kept as they are.
    const gzip = /gzip$/.test(found.mediaType) || found.mediaType === MediaType.dockerLayer;
    const mediaType = gzip ? (oci ? MediaType.ociLayer : MediaType.dockerLayer) : found.mediaType;
    return { mediaType, digest: found.digest, size: found.size };
  });
  const manifest = {
    schemaVersion: 2,
    mediaType: oci ? MediaType.ociManifest : MediaType.dockerManifest,
    config: {
      mediaType: oci ? MediaType.ociConfig : MediaType.dockerConfig,
      size: parts.configSize,
      digest: parts.configDigest,
    },
    layers,
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const digest = await registry.putManifest(repository, tag ?? sha256Digest(bytes), bytes, manifest.mediaType);
  return { digest, mediaType: manifest.mediaType, size: bytes.length };
}

/** ModuleError 'interrupted' before the manifest: no tag was written. */
export function stoppedBeforeManifest(signal: AbortSignal): ModuleError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'interrupted';
  return new ModuleError('interrupted', `${why} before the manifest was put: no tag was written`, {
    kind: 'environment',
    hint: 'Run the same command again: blobs already uploaded are skipped.',
  });
}
