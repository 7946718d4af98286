// vitest globalSetup: one open registry and one htpasswd registry for the whole suite. Tests read
// them with `inject('registryHost')`, `inject('authRegistryHost')`, `inject('registryCredentials')`.
import { randomBytes } from 'node:crypto';
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
    await Promise.all([open.stop(), secured.stop()]);
  };
}
