// A blob being written to a temp file while it is uploaded from that same file: the uploader can
// start as soon as the first bytes are there, resume from any offset the registry reports, and
// start over from zero when a registry loses the upload session, without asking the producer
// (the Engine's export, the compressor) for the bytes again. Memory stays bounded by one chunk.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** A blob's bytes, appended in order by one producer and read at any offset by uploaders. */
export class BlobSpool {
  readonly #hash: Hash = createHash('sha256');
  #file: FileHandle | undefined;
  #written = 0;
  #digest: string | undefined;
  #error: Error | undefined;
  #waiters: (() => void)[] = [];

  private constructor(readonly path: string) {}

  /** A new, empty spool in a file the caller owns (and removes with its temp folder). */
  static async create(path: string): Promise<BlobSpool> {
    const spool = new BlobSpool(path);
    spool.#file = await open(path, 'w+');
    return spool;
  }

  /** Bytes appended so far. */
  get written(): number {
    return this.#written;
  }

  /** The sha256 digest of all the bytes, once the producer has finished. */
  get digest(): string | undefined {
    return this.#digest;
  }

  /** Appends bytes (the producer awaits each append: that is its backpressure). */
  async append(bytes: Uint8Array): Promise<void> {
    // The upload failed for good: the producer stops instead of producing for nobody.
    if (this.#error) throw this.#error;
    if (!this.#file) throw new Error(`spool ${this.path} is closed`);
    let at = 0;
    while (at < bytes.length) {
      const { bytesWritten } = await this.#file.write(bytes, at, bytes.length - at, this.#written + at);
      at += bytesWritten;
    }
    this.#hash.update(bytes);
    this.#written += bytes.length;
    this.#wake();
  }

  /** The producer is done: the digest is known and waiting readers see the end. */
  finish(): string {
    this.#digest = `sha256:${this.#hash.digest('hex')}`;
    this.#wake();
    return this.#digest;
  }

  /** The producer failed (readers waiting for more bytes fail with its error), or the reader did (the producer's next append fails). */
  fail(error: unknown): void {
    this.#error ??= error instanceof Error ? error : new Error(String(error));
    this.#wake();
  }

  /** Resolves once `offset` bytes are written or the producer has finished; rejects when it failed. */
  async waitFor(offset: number): Promise<void> {
    while (this.#written < offset && this.#digest === undefined) {
      if (this.#error !== undefined) throw this.#error;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#error !== undefined) throw this.#error;
  }

  /** Reads `length` bytes at `offset` (all of them written already), into `into` when it is big enough. */
  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    if (!this.#file) throw new Error(`spool ${this.path} is closed`);
    const bytes = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    let at = 0;
    while (at < length) {
      const { bytesRead } = await this.#file.read(bytes, at, length - at, offset + at);
      if (bytesRead === 0) throw new Error(`spool ${this.path} ended at ${offset + at} of ${offset + length}`);
      at += bytesRead;
    }
    return bytes;
  }

  /** The whole finished blob as chunks of at most `chunk` bytes, read from the file (a monolithic PUT). */
  async *chunks(chunk: number): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < this.#written; offset += chunk) {
      yield await this.read(offset, Math.min(chunk, this.#written - offset));
    }
  }

  /** Closes the file (its folder is removed by whoever made it). */
  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
