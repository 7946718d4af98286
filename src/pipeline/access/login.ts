import { dockerConfigLogin } from '../../credentials/index.js';
import type { Logger } from '../../logger.js';
import type { Credentials } from '../../registry/auth.js';

/** Where the pipeline may find a login nobody passed: the Docker config of `env`, unless turned off. */
export interface LoginLookup {
  /** Read the Docker config (`docker login`, docker/login-action) when no login is given; default true. */
  dockerConfig?: boolean | undefined;
  /** The environment naming the Docker config (DOCKER_CONFIG, HOME) and finding its helpers (PATH). */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * The login for `registry`: the one given (options, MERCURE_REGISTRY_*) wins; else the Docker
 * config's, logged with where it came from and never with the secret.
 */
export async function loginFor(
  registry: string,
  given: Credentials | undefined,
  lookup: LoginLookup,
  logger: Logger,
): Promise<Credentials | undefined> {
  if (given?.origin) logger.info(`login for ${registry}: user ${given.username} ${given.origin}`);
  if (given || lookup.dockerConfig === false) return given;
  const found = await dockerConfigLogin(registry, lookup.env ? { env: lookup.env } : {});
  if (!found) return undefined;
  const who = found.credentials.identityToken ? 'an identity token' : `user ${found.credentials.username}`;
  logger.info(`login for ${registry}: ${who} ${found.origin}`);
  return found.credentials;
}
