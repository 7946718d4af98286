// Pieces of copyImage that move bytes: a verified, lazily opened source stream for one blob and
// the semaphore that bounds how many blobs travel at once.
import { createHash } from 'node:crypto';
import { ModuleError } from '../errors.js';
import { digestMismatch } from './blobs.js';
import type { RegistryClient } from './client.js';
import type { Descriptor } from './manifest.js';
import { markTransient } from './transient.js';
import { isRetryableNetworkCode, networkCode } from '../retry/index.js';

/** A semaphore: at most `max` tasks run at once; a finished task hands its slot to the next. */
export function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * A blob's bytes from the source, opened lazily (an upload that finds the blob present never
 * reads it), checked against the descriptor's size and its digest while they
 * stream. The first failure is kept in `error`: the PUT it breaks reports only a broken request.
 */
export class BlobStream implements AsyncIterable<Uint8Array> {
  /** The first failure reading the source (a digest or size mismatch, a broken GET), if any. */
  error: unknown;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
    readonly descriptor: Descriptor,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const { digest, size } = this.descriptor;
    let read = 0;
    try {
      const stream = await this.client.openBlob(this.repository, digest);
      // Hashed here, chunk by chunk as they arrive: a verifying stream in between cost more CPU.
      const hash = createHash('sha256');
      // One chunk is held back until the source ends with the right digest: a blob that fails the
      // check never reaches the destination whole, so the destination cannot store it.
      let held: Buffer | undefined;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          read += chunk.length;
          if (read > size) throw this.#sizeMismatch(`more than ${size}`);
          hash.update(chunk);
          if (held) yield held;
          held = chunk;
        }
      } finally {
        stream.destroy();
      }
      if (read !== size) throw this.#sizeMismatch(String(read));
      const actual = `sha256:${hash.digest('hex')}`;
      if (digest.startsWith('sha256:') && actual !== digest)
        throw digestMismatch(`blob ${this.repository}@${digest} from ${this.client.registry}`, actual);
      if (held) yield held;
    } catch (error) {
      const failure = this.#lost(error) ?? error;
      this.error ??= failure;
      throw failure;
    }
  }

  /** A connection lost while the bytes stream is a transient ModuleError, so the copy starts the blob over. */
  #lost(error: unknown): ModuleError | undefined {
    const code = networkCode(error);
    if (code === undefined || !isRetryableNetworkCode(code)) return undefined;
    const lost = new ModuleError(
      'registry-unreachable',
      `lost the connection to ${this.client.registry} while reading blob ${this.repository}@${this.descriptor.digest} (${code})`,
      {
        kind: 'environment',
        hint: 'Check the network, then run the same command again: blobs already copied are skipped.',
      },
    );
    return markTransient(lost, { networkCode: code });
  }

  #sizeMismatch(actual: string): ModuleError {
    return new ModuleError(
      'registry-size-mismatch',
      `blob ${this.repository}@${this.descriptor.digest} is ${actual} bytes, but its manifest says ${this.descriptor.size}`,
      {
        kind: 'environment',
        hint: 'The source registry serves a blob that does not match the image manifest; re-push the image to the source.',
      },
    );
  }
}
