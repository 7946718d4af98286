import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { ModuleError } from '../errors.js';
import { reason, statusOf } from './connect.js';

/**
 * The image as the Engine exports it (`GET /images/{name}/get`, what `docker save` reads): a tar
 * stream, read as it comes and never held whole. An abort destroys it.
 */
export async function exportImage(docker: Docker, image: string, signal?: AbortSignal): Promise<Readable> {
  let stream: Readable;
  try {
    stream = (await docker.getImage(image).get()) as unknown as Readable;
  } catch (error) {
    if (statusOf(error) === 404) {
      throw new ModuleError('image-not-found', `image ${image} is not in the Docker Engine`, {
        hint: 'Build it first, or name it with --source.',
      });
    }
    throw new ModuleError('export-failed', `the Docker Engine could not export ${image}: ${reason(error)}`, {
      kind: 'environment',
      hint: 'Check that the Docker Engine is running, then run the same command again.',
    });
  }
  if (signal) {
    const stop = () => stream.destroy(new Error('interrupted'));
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', stop));
  }
  return stream;
}
