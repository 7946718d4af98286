import type { Credentials } from '../../registry/auth.js';
import { RegistryClient } from '../../registry/client.js';
import type { ImageReference } from '../../registry/reference.js';
import { silentLogger, type Logger } from '../../logger.js';

/** How the pipeline reaches a registry: a login, an API URL override, a fetch, a logger. */
export interface RegistryAccess {
  credentials?: Credentials;
  registryUrl?: string;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** A registry client for the registry `ref` names, with the given access. */
export function registryClientFor(ref: ImageReference, access: RegistryAccess): RegistryClient {
  return new RegistryClient({
    registry: ref.registry,
    logger: access.logger ?? silentLogger,
    ...(access.credentials ? { credentials: access.credentials } : {}),
    ...(access.registryUrl ? { url: access.registryUrl } : {}),
    ...(access.fetch ? { fetch: access.fetch } : {}),
  });
}
