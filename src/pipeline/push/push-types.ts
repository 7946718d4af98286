// The options and result of our own push of one image (push-image.ts), shared with its parts.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { RegistryClient } from '../../registry/client.js';
import type { Logger } from '../../logger.js';
import type { ImageSource } from './known-layers.js';

/** Options of `pushImage`. */
export interface PushImageOptions {
  docker: Docker;
  /** The local image (reference or ID). */
  source: string;
  registry: RegistryClient;
  repository: string;
  /** The tag the manifest is put under; without one it is put by its digest (a platform's image in an index). */
  tag?: string | undefined;
  /** How progress names this push (default `repository:tag`), e.g. `acme/blur:1.2.3 linux/arm64`. */
  label?: string;
  /** Write OCI media types whatever the archive's layout (every manifest of an OCI index is OCI). */
  oci?: boolean;
  /** The folder holding the layer cache (the user's state folder, shared by every push on this machine). */
  cacheDir: string;
  /** Images whose layers this one may share: the target's current tags, the base image. */
  related?: ImageSource[];
  logger?: Logger;
  signal?: AbortSignal | undefined;
  /** Bytes per PATCH (default: the chunked upload's 16 MiB). */
  chunkBytes?: number;
  /** Where the image archive comes from (default: the Engine's export); e.g. a builder's OCI layout tar. */
  archive?: () => Promise<Readable>;
}

/** How each layer got to the registry. */
export interface LayerCounts {
  uploaded: number;
  /** Already in the target repository. */
  present: number;
  /** Mounted from another repository of the target registry. */
  mounted: number;
  /** Copied unchanged from another registry (a base image's). */
  copied: number;
}

/** What `pushImage` did. */
export interface PushImageResult {
  digest: string;
  mediaType: string;
  /** The manifest's size in bytes (for an index's descriptor). */
  size: number;
  configDigest: string;
  layers: LayerCounts;
  /** Compressed bytes uploaded by us (copies and mounts not counted). */
  bytesUploaded: number;
}
