// A blob uploaded in chunks while it is still being produced (its digest is known only at the
// end): POST opens the upload, each chunk is a PATCH with Content-Range, PUT ?digest= closes it.
// Every request is retried by the transport; a chunk that still fails is resumed from the offset
// the registry reports (GET on the upload, its Range header), and an upload session the registry
// no longer knows is started over from the spool, never from the producer.
import { ModuleError, isModuleError } from '../errors.js';
import { repositoryScope } from './auth.js';
import { peerDigest } from './peer-answer.js';
import { digestMismatch, headBlob, uploadBlob, type UploadOutcome } from './blobs.js';
import type { RegistryConnection } from './connection.js';
import type { BlobSpool } from './spool.js';
import { markTransient, transientFailure } from './transient.js';

/** Options of `uploadSpool`. */
export interface ChunkedUploadOptions {
  /** Bytes per PATCH (default 16 MiB). */
  chunkBytes?: number;
  /** Bytes the registry has confirmed so far. */
  onProgress?: (confirmed: number) => void;
  /** Told each time the upload resumes or starts over (for a debug log). */
  onRecover?: (message: string) => void;
}

/** How an upload got through: in chunks, or whole because it was small or the registry refused chunks. */
export type UploadMode = 'chunked' | 'monolithic';

const CHUNK_BYTES = 16 * 1024 * 1024;
/** Tries of one blob's upload in all (each resumes where the registry stands), before it is given up. */
const RECOVERIES = 6;
/** Statuses that say "no chunks here": the blob then goes in one PUT. */
const NO_CHUNKS = new Set([405, 501]);

/**
 * Uploads the blob being written to `spool`. Returns 'exists' when the registry held it already
 * (found when closing the upload), otherwise 'uploaded', and the mode used.
 */
export async function uploadSpool(
  conn: RegistryConnection,
  repository: string,
  spool: BlobSpool,
  options: ChunkedUploadOptions = {},
): Promise<{ outcome: UploadOutcome; mode: UploadMode }> {
  const chunk = options.chunkBytes ?? CHUNK_BYTES;
  await spool.waitFor(chunk + 1);
  // Small enough to be complete already: one PUT with the bytes, replayable as a whole.
  if (spool.digest !== undefined && spool.written <= chunk) {
    const bytes = await spool.read(0, spool.written);
    const outcome = await uploadBlob(conn, repository, spool.digest, bytes, bytes.length);
    options.onProgress?.(bytes.length);
    return { outcome, mode: 'monolithic' };
  }
  const upload = new ChunkedUpload(conn, repository, spool, chunk, options);
  try {
    return { outcome: await upload.run(), mode: 'chunked' };
  } catch (error) {
    if (!(error instanceof ChunksRefused)) throw error;
    options.onRecover?.(`${conn.registry} refuses chunked uploads (HTTP ${error.status}): sending the blob whole`);
    return { outcome: await monolithic(conn, repository, spool), mode: 'monolithic' };
  }
}

class ChunksRefused extends Error {
  constructor(readonly status: number) {
    super(`chunked upload refused (HTTP ${status})`);
  }
}

class ChunkedUpload {
  #location = '';
  #offset = 0;
  readonly #scopes: string[];
  /**
   * Every chunk is read into this one buffer: it is free again once its PATCH is answered. One
   * allocation a chunk left a gigabyte layer's worth of garbage to the collector (peak memory).
   */
  #buffer: Buffer | undefined;

  constructor(
    readonly conn: RegistryConnection,
    readonly repository: string,
    readonly spool: BlobSpool,
    readonly chunk: number,
    readonly options: ChunkedUploadOptions,
  ) {
    this.#scopes = [repositoryScope(repository, 'pull,push')];
  }

  /**
   * The upload as one operation of the retry core: a try that fails for a passing reason (after
   * each request's own retries) is followed, after the policy's wait, by one that asks the
   * registry where the upload stands and goes on from there.
   */
  async run(): Promise<UploadOutcome> {
    let attempt = 0;
    return this.conn.retryOperation(`upload to ${this.repository}`, RECOVERIES, async () => {
      if (attempt++ === 0) await this.#open();
      else await this.#resume();
      return this.#send();
    });
  }

  async #send(): Promise<UploadOutcome> {
    for (;;) {
      await this.spool.waitFor(this.#offset + this.chunk);
      const length = Math.min(this.chunk, this.spool.written - this.#offset);
      if (length > 0) {
        await this.#patch(length).catch((error: unknown) => {
          throw passing(error);
        });
        continue;
      }
      const digest = this.spool.digest;
      if (digest === undefined) continue;
      return this.#close(digest).catch(async (error: unknown) => {
        if (await this.#landed()) return 'exists' as const;
        throw passing(error);
      });
    }
  }

  async #open(): Promise<void> {
    const response = await this.conn.call({
      method: 'POST',
      url: `/v2/${this.repository}/blobs/uploads/`,
      scopes: this.#scopes,
      what: `start blob upload to ${this.repository}`,
      headers: { 'Content-Length': '0' },
      expect: [202],
    });
    await response.body?.cancel().catch(() => {});
    this.#location = this.#locationOf(response, '');
    this.#offset = 0;
  }

  async #patch(length: number): Promise<void> {
    const start = this.#offset;
    this.#buffer ??= Buffer.allocUnsafe(this.chunk);
    const body = await this.spool.read(start, length, this.#buffer);
    const response = await this.conn
      .call({
        method: 'PATCH',
        // Over node:http, which writes the buffer as it is (fetch copies a Buffer body whole first).
        bulk: true,
        url: this.#location,
        scopes: this.#scopes,
        what: `upload bytes ${start}-${start + length - 1} to ${this.repository}`,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${start}-${start + length - 1}`,
          'Content-Length': String(length),
        },
        body,
        expect: [202],
      })
      .catch((error: unknown) => {
        const status = statusOf(error);
        if (start === 0 && status !== undefined && NO_CHUNKS.has(status)) throw new ChunksRefused(status);
        throw error;
      });
    await response.body?.cancel().catch(() => {});
    this.#location = this.#locationOf(response, this.#location);
    this.#offset = rangeEnd(response.headers.get('range'), start + length) ?? start + length;
    this.options.onProgress?.(this.#offset);
  }

  async #close(digest: string): Promise<UploadOutcome> {
    const target = new URL(this.conn.resolve(this.#location));
    target.search += `${target.search ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
    const response = await this.conn.call({
      method: 'PUT',
      url: target.href,
      scopes: this.#scopes,
      what: `PUT blob ${this.repository}@${digest}`,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': '0' },
      body: Buffer.alloc(0),
      expect: [201, 204],
    });
    await response.body?.cancel().catch(() => {});
    const stored = peerDigest(response.headers, {
      registry: this.conn.registry,
      what: `PUT blob ${this.repository}@${digest}`,
    });
    if (stored && stored !== digest)
      throw digestMismatch(`blob ${this.repository}@${digest} stored by ${this.conn.registry}`, stored);
    return 'uploaded';
  }

  /** After a failed close: whether the blob is there anyway (the PUT landed, its answer was lost). */
  async #landed(): Promise<boolean> {
    const digest = this.spool.digest;
    if (!digest) return false;
    const head = await headBlob(this.conn, this.repository, digest).catch(() => undefined);
    return head !== undefined && (head.size === 0 || head.size === this.spool.written);
  }

  /**
   * Before another try: ask the registry how far the upload got and go on from there; when it no
   * longer knows the upload (distribution forgets a session whose PATCH it saw cut off, or whose
   * answer was lost), start a new one from the spool's first byte.
   */
  async #resume(): Promise<void> {
    const status = await this.conn
      .call({
        method: 'GET',
        url: this.#location,
        scopes: this.#scopes,
        what: `GET upload status in ${this.repository}`,
        expect: [204],
        allowMissing: true,
      })
      .catch((failure: unknown) => {
        if (isModuleError(failure) && failure.code === 'interrupted') throw failure;
        return undefined;
      });
    await status?.body?.cancel().catch(() => {});
    if (status?.status === 204) {
      const end = rangeEnd(status.headers.get('range'), this.#offset);
      if (end !== undefined && end <= this.spool.written) {
        this.#location = this.#locationOf(status, this.#location);
        this.options.onRecover?.(`resuming the upload to ${this.repository} at byte ${end} (the registry's offset)`);
        this.#offset = end;
        return;
      }
    }
    this.options.onRecover?.(`${this.conn.registry} lost the upload to ${this.repository}: starting it over`);
    await this.#open();
  }

  #locationOf(response: Response, fallback: string): string {
    const location = response.headers.get('location');
    if (location) return this.conn.resolve(location);
    if (fallback) return fallback;
    throw new ModuleError(
      'registry-bad-response',
      `registry ${this.conn.registry} started an upload to ${this.repository} without a Location`,
      { kind: 'environment' },
    );
  }
}

/** The blob in one PUT, streamed from the finished spool; started over (from the spool) on a transient failure. */
async function monolithic(conn: RegistryConnection, repository: string, spool: BlobSpool): Promise<UploadOutcome> {
  await spool.waitFor(Number.MAX_SAFE_INTEGER);
  const digest = spool.digest ?? '';
  return conn.retryOperation(`upload of ${repository}@${digest}`, RECOVERIES, () =>
    uploadBlob(conn, repository, digest, spool.chunks(1024 * 1024), spool.written),
  );
}

/**
 * The next offset a `Range: 0-<end>` header announces. Distribution answers `0-0` both for no
 * bytes and for one; with `known` bytes confirmed before, the larger reading is the right one.
 */
export function rangeEnd(header: string | null, known: number): number | undefined {
  const match = /^(?:bytes=)?0-(\d+)$/.exec((header ?? '').trim());
  if (!match) return undefined;
  const last = Number(match[1]);
  return last === 0 && known === 0 ? 0 : last + 1;
}

function statusOf(error: unknown): number | undefined {
  if (!isModuleError(error)) return undefined;
  const match = /answered HTTP (\d{3})/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/**
 * A failed chunk or close, marked as passing when it is worth asking the registry about: a
 * passing failure already, or a session the registry lost (BLOB_UPLOAD_UNKNOWN / _INVALID) or
 * disputes (416, 400): the next try resumes from where the registry stands.
 */
function passing(error: unknown): unknown {
  if (transientFailure(error) || !isModuleError(error) || error.code === 'interrupted') return error;
  const status = statusOf(error);
  if (error.code === 'registry-not-found' || status === 416 || status === 400)
    return markTransient(error, { status: status ?? 404 });
  return error;
}
