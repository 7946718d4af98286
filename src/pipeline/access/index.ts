/**
 * Getting at registries for the verbs: the login to use (credentials.ts, login.ts: options,
 * environment, the Docker config), one RegistryClient factory and one target reference
 * (registry-access.ts), and a Docker Hub repository prepared with its visibility before the first
 * push (repository.ts).
 */
export { resolveCredentials } from './credentials.js';
export { registryClientFor, targetReference } from './registry-access.js';
export { prepareRepository } from './repository.js';
