// vitest globalSetup: one open registry and one htpasswd registry for the whole suite. Tests read
// them with `inject('registryHost')`, `inject('authRegistryHost')`, `inject('registryCredentials')`.
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import type { TestProject } from 'vitest/node';
import { startRegistry } from './support/registry.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `127.0.0.1:PORT` of a registry without auth. */
    registryHost: string;
    /** `127.0.0.1:PORT` of a registry behind htpasswd (HTTP Basic). */
    authRegistryHost: string;
    /** The one user the htpasswd registry knows. */
    registryCredentials: { username: string; password: string };
  }
}

/** Starts both registries, provides their hosts and the credentials, and stops them afterwards. */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const credentials = { username: 'mmk-test', password: `pw-${randomBytes(12).toString('hex')}` };
  const open = await startRegistry();
  const secured = await startRegistry({ auth: credentials }).catch(async (error: unknown) => {
    await open.stop();
    throw error;
  });
  provide('registryHost', open.host);
  provide('authRegistryHost', secured.host);
  provide('registryCredentials', credentials);
  return async () => {
    await removeTagsUnder([open.host, secured.host]);
    await Promise.all([open.stop(), secured.stop()]);
  };
}

/**
 * The engine's tags under the suite's registries (release tags what it builds `<image>:<version>`):
 * all of them are this run's, since their ports are this run's while its registries listen. Only
 * those go (an image is deleted once nothing else tags it); the engine is shared with other runs.
 */
async function removeTagsUnder(hosts: string[]): Promise<void> {
  const docker = new Docker();
  const images = await docker.listImages().catch(() => []);
  const ours = images
    .flatMap((image) => image.RepoTags ?? [])
    .filter((tag) => hosts.some((h) => tag.startsWith(`${h}/`)));
  // An image a container still uses stays (409): the leftover check names such containers.
  for (const tag of ours)
    await docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
}
