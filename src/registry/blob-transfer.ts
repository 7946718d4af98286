import { BlobStream } from './blob-stream.js';
import type { RegistryClient } from './client.js';
import type { Descriptor } from './manifest.js';

/** How many times one blob's transfer is started over after transient failures. */
const ATTEMPTS = 5;

/**
 * Streams one blob from a repository of one registry into a repository of another, unchanged
 * (same digest), hashed on the way and never held whole; a transient failure starts it over
 * (a new GET and a new upload) after the retry policy's wait. 'exists' when the target had it.
 */
export async function transferBlob(
  from: { client: RegistryClient; repository: string },
  to: { client: RegistryClient; repository: string },
  descriptor: Descriptor,
): Promise<'exists' | 'uploaded'> {
  return to.client.retryOperation(`copy of blob ${descriptor.digest}`, ATTEMPTS, async () => {
    const source = new BlobStream(from.client, from.repository, descriptor);
    try {
      return await to.client.uploadBlob(to.repository, descriptor.digest, source, descriptor.size);
    } catch (error) {
      // A failed source read ends the PUT too; its error is the one that explains what happened.
      throw source.error ?? error;
    }
  });
}
