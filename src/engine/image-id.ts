import type Docker from 'dockerode';
import { ModuleError, type Said } from '../errors.js';
import { statusOf } from './connect.js';

const NOT_THERE: Said = (say) =>
  `Build it first${say.has('command:build') ? ` (${say.option('command:build')})` : ''}, \`docker pull\` it, or check the name and tag.`;

/**
 * The one image lookup: the ID (sha256:...) and labels of an image in the engine, by reference
 * or ID. An image that is not there is ModuleError 'image-not-found' with `hint` (what to do, in
 * the caller's words); any other engine failure is thrown as it is.
 */
export async function localImage(
  docker: Docker,
  image: string,
  hint: Said = NOT_THERE,
): Promise<{ imageId: string; labels: Record<string, string> }> {
  try {
    const inspect = await docker.getImage(image).inspect();
    return { imageId: inspect.Id, labels: inspect.Config.Labels ?? {} };
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    throw new ModuleError('image-not-found', `image ${image} is not in the Docker Engine`, { hint });
  }
}

/** The ID of an image in the engine (see localImage). */
export async function imageIdOf(docker: Docker, image: string, hint: Said = NOT_THERE): Promise<string> {
  return (await localImage(docker, image, hint)).imageId;
}
