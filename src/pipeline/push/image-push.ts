// The state of one push while the export streams: which layers are resolved (present, mounted,
// copied, uploaded), the uploads in flight, progress; it ends by putting the manifest.
import path from 'node:path';
import { exportFailed, type ArchiveContents, type ArchiveLayer } from '../../engine/image-archive.js';
import { isModuleError } from '../../errors.js';
import { limiter } from '../../registry/blob-stream.js';
import { transferBlob } from '../../registry/blob-transfer.js';
import { compressLayer, spoolVerbatim } from '../../registry/layer-gzip.js';
import { MediaType, type Descriptor } from '../../registry/manifest.js';
import { BlobSpool } from '../../registry/spool.js';
import type { Logger } from '../../logger.js';
import { putImageManifest, stoppedBeforeManifest } from './image-manifest.js';
import type { KnownBlob } from './known-layers.js';
import type { LayerCache } from './layer-cache.js';
import type { LayerCounts, PushImageOptions, PushImageResult } from './push-types.js';

/** Uploads in flight at once (each from its spool; memory is one chunk each). */
const UPLOADS = 4;
/** Skip decisions (HEAD, mount, copy) in flight at once. */
const LOOKUPS = 4;

/** One push in progress. */
export class ImagePush {
  readonly #resolved = new Map<string, Descriptor>();
  /** Layers the export has handed over in this pass (skipped or being uploaded). */
  readonly #handled = new Set<string>();
  readonly #pending: Promise<void>[] = [];
  readonly #uploads = limiter(UPLOADS);
  readonly #counts: LayerCounts = { uploaded: 0, present: 0, mounted: 0, copied: 0 };
  #bytesUploaded = 0;
  #read = 0;
  #spools = 0;
  readonly #where: string;

  constructor(
    readonly options: PushImageOptions,
    readonly logger: Logger,
    readonly cache: LayerCache,
    readonly known: Map<string, KnownBlob>,
    readonly total: number,
    readonly diffIds: string[],
  ) {
    this.#where = `${options.registry.registry}/${options.repository}`;
  }

  /** The diff IDs with no blob yet: neither found, uploaded, nor stored compressed in an OCI layout. */
  missing(contents: ArchiveContents): string[] {
    return this.diffIds.filter((diffId, i) => {
      const original = contents.layers?.[i]?.digest;
      if (original && (this.#verbatim.has(original) || contents.smallLayers?.has(original))) return false;
      return !this.#resolved.has(diffId);
    });
  }

  nextPass(): void {
    this.#handled.clear();
  }

  descriptor(diffId: string): Descriptor | undefined {
    return this.#resolved.get(diffId);
  }

  /** For each layer with a known blob: there already, mounted, or copied (in the background). */
  async resolveKnown(diffIds: readonly string[]): Promise<void> {
    const lookups = limiter(LOOKUPS);
    await Promise.all([...new Set(diffIds)].map((diffId) => lookups(() => this.#resolveOne(diffId))));
  }

  async #resolveOne(diffId: string): Promise<void> {
    const blob = this.known.get(diffId);
    if (!blob) return;
    const { registry, repository } = this.options;
    const { digest } = blob.descriptor;
    if (await registry.headBlob(repository, digest)) {
      this.#found(diffId, blob.descriptor, 'present');
      return;
    }
    for (const holder of blob.holders) {
      if (holder.registry !== registry.registry || holder.repository === repository) continue;
      const outcome = await registry.mountBlob(repository, digest, holder.repository).catch((error: unknown) => {
        if (isModuleError(error) && error.code !== 'interrupted') return 'failed';
        throw error;
      });
      if (outcome === 'mounted') {
        this.logger.debug(`mounted ${digest} from ${holder.repository}`);
        this.#found(diffId, blob.descriptor, 'mounted');
        return;
      }
    }
    const remote = blob.holders.find((h) => h.client && h.registry !== registry.registry);
    if (!remote?.client) return;
    // Copied while the export streams; the layer is skipped in the export and marked resolved now.
    this.#resolved.set(diffId, blob.descriptor);
    const from = { client: remote.client, repository: remote.repository };
    this.#track(
      this.#uploads(() => transferBlob(from, { client: registry, repository }, blob.descriptor)).then(
        () => {
          this.logger.debug(`copied ${digest} from ${remote.registry}/${remote.repository}`);
          this.#counts.copied++;
          this.cache.remember(diffId, blob.descriptor, this.#where);
        },
        (error: unknown) => {
          if (isModuleError(error) && error.code === 'interrupted') throw error;
          this.logger.warn(`copying ${digest} from ${remote.registry} failed (${String(error)}): uploading it instead`);
          this.#resolved.delete(diffId);
        },
      ),
    );
  }

  #found(diffId: string, descriptor: Descriptor, how: 'present' | 'mounted'): void {
    this.#resolved.set(diffId, descriptor);
    this.#counts[how]++;
    this.cache.remember(diffId, descriptor, this.#where);
  }

  /** What to do with the archive's layers: read past the resolved ones, compress the rest. */
  handlers(temp: string) {
    return {
      complete: () => this.diffIds.every((d) => this.#resolved.has(d) || this.#handled.has(d)),
      layer: async (layer: ArchiveLayer) => {
        if (layer.diffId) this.#handled.add(layer.diffId);
        if (layer.diffId && this.#resolved.has(layer.diffId)) {
          await this.#drain(layer);
          return;
        }
        await this.#compressAndUpload(layer, temp);
      },
      blob: async (digest: string, size: number, stream: AsyncIterable<Uint8Array>) => {
        const spool = await BlobSpool.create(path.join(temp, `blob-${++this.#spools}`));
        const uploading = this.#upload(spool);
        uploading.catch(() => {}); // tracked below
        await spoolVerbatim(stream, spool);
        if (spool.digest !== digest) throw exportFailed(`blob ${digest} hashes to ${spool.digest ?? '?'}`);
        this.#track(
          uploading.then(() => {
            this.#verbatim.set(digest, size);
          }),
        );
      },
    };
  }

  /** OCI-layout blobs uploaded as they were (already compressed): digest -> size. */
  readonly #verbatim = new Map<string, number>();

  /**
   * Reads past a layer the target has already. Not hashed: its diff ID is the Engine's own
   * (content-addressed) and the blob was found by it; hashing only cost the re-release about
   * 2.5 CPU-s per GB of layers before the new one.
   */
  async #drain(layer: ArchiveLayer): Promise<void> {
    for await (const chunk of layer.stream) this.#progress(chunk.length);
  }

  async #compressAndUpload(layer: ArchiveLayer, temp: string): Promise<void> {
    const spool = await BlobSpool.create(path.join(temp, `layer-${++this.#spools}`));
    const uploading = this.#upload(spool);
    uploading.catch(() => {}); // tracked below; a compression failure fails the spool, and with it the upload
    let read = 0;
    const compressed = await compressLayer(layer.stream, spool, {
      onRead: (bytes) => {
        this.#progress(bytes - read);
        read = bytes;
      },
    });
    if (layer.diffId && compressed.diffId !== layer.diffId)
      this.logger.debug(`layer named ${layer.diffId} is ${compressed.diffId}`);
    const descriptor = { mediaType: MediaType.dockerLayer, digest: compressed.digest, size: compressed.size };
    this.#track(
      uploading.then(() => {
        this.#resolved.set(compressed.diffId, descriptor);
        this.cache.remember(compressed.diffId, descriptor, this.#where);
      }),
    );
  }

  /** Uploads a spool (within the uploads limit), closing it afterwards. */
  #upload(spool: BlobSpool): Promise<void> {
    const run = this.#uploads(async () => {
      const { outcome } = await this.options.registry.uploadSpool(this.options.repository, spool, {
        onRecover: (message) => this.logger.debug(message),
        ...(this.options.chunkBytes ? { chunkBytes: this.options.chunkBytes } : {}),
      });
      if (outcome === 'uploaded') {
        this.#counts.uploaded++;
        this.#bytesUploaded += spool.written;
      } else this.#counts.present++;
    });
    return run
      .catch((error: unknown) => {
        this.#uploadError ??= error;
        spool.fail(error);
        throw error;
      })
      .finally(() => spool.close());
  }

  #progress(bytes: number): void {
    this.#read += bytes;
    const { repository, tag, label } = this.options;
    const what = label ?? `${repository}${tag ? `:${tag}` : ''}`;
    this.logger.progress?.(`pushing ${what}`, Math.min(this.#read, this.total), this.total);
  }

  /** After a failure: waits for what is still running, and returns the first upload failure, if any. */
  async abandon(): Promise<unknown> {
    await Promise.allSettled(this.#pending.splice(0));
    return this.#uploadError;
  }

  #uploadError: unknown;

  /** Keeps a background task for settle(); its failure is seen there, never as an unhandled rejection. */
  #track(task: Promise<void>): void {
    task.catch(() => {});
    this.#pending.push(task);
  }

  /** Waits for every upload and copy started so far; the first failure is thrown. */
  async settle(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0);
      const outcomes = await Promise.allSettled(batch);
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** Puts the small layers and the config, then the manifest, once every blob is confirmed. */
  async finish(image: { id: string; diffIds: string[] }, contents: ArchiveContents): Promise<PushImageResult> {
    const { registry, repository } = this.options;
    for (const [digest, bytes] of contents.smallLayers ?? []) {
      if ((await registry.uploadBlob(repository, digest, bytes, bytes.length)) === 'uploaded') this.#counts.uploaded++;
      else this.#counts.present++;
      this.#verbatim.set(digest, bytes.length);
    }
    const layers = image.diffIds.map((diffId, i): Descriptor => {
      const original = contents.layers?.[i];
      if (original && this.#verbatim.has(original.digest)) return original;
      const found = this.#resolved.get(diffId);
      if (!found) throw exportFailed(`layer ${diffId} was neither found nor uploaded`);
      return found;
    });
    if (this.options.signal?.aborted) throw stoppedBeforeManifest(this.options.signal);
    if (contents.config) await registry.uploadBlob(repository, image.id, contents.config, contents.config.length);
    const put = await putImageManifest(registry, repository, this.options.tag, {
      configDigest: image.id,
      configSize: contents.config?.length ?? contents.configSize ?? 0,
      layers,
      oci: this.options.oci === true || contents.format === 'oci',
    });
    return { ...put, configDigest: image.id, layers: { ...this.#counts }, bytesUploaded: this.#bytesUploaded };
  }
}
