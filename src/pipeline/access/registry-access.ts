import { ModuleError } from '../../errors.js';
import { silentLogger, type Logger } from '../../logger.js';
import type { Credentials } from '../../registry/auth.js';
import { RegistryClient } from '../../registry/client.js';
import { parseReference, type ImageReference } from '../../registry/reference.js';
import { defaultRetryPolicy, type RetryOptions } from '../../retry/index.js';

/** How the pipeline reaches a registry: a login, an API URL override, a fetch, retries, a signal, a logger. */
export interface RegistryAccess {
  credentials?: Credentials | undefined;
  registryUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Retries of each request (defaultRetryPolicy's options). */
  retry?: RetryOptions | undefined;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
}

/** The one way the pipeline makes a registry client: for the registry `ref` names, with the given access. */
export function registryClientFor(ref: ImageReference, access: RegistryAccess): RegistryClient {
  return new RegistryClient({
    registry: ref.registry,
    logger: access.logger ?? silentLogger,
    retry: defaultRetryPolicy(access.retry),
    signal: access.signal,
    ...(access.credentials ? { credentials: access.credentials } : {}),
    ...(access.registryUrl ? { url: access.registryUrl } : {}),
    ...(access.fetch ? { fetch: access.fetch } : {}),
  });
}

/**
 * The repository a release goes to: `image` parsed, refused with 'image-has-tag' when it names a
 * tag or digest (the tags come from the version). `what` names it as the front door does
 * (`--image acme/blur`, `the destination acme/blur`); `hint` says what to give instead.
 */
export function targetReference(image: string, what: string, hint: string): ImageReference {
  const target = parseReference(image);
  if (target.tag || target.digest) {
    throw new ModuleError('image-has-tag', `${what} must name a repository without a tag or digest`, { hint });
  }
  return target;
}
