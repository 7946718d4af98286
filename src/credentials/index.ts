/**
 * Logins users already have: the Docker config (`auths`, `credsStore`, `credHelpers` through the
 * credential helper protocol), read and never written; and the temporary config that hands a
 * login given to this tool to `docker buildx` for the pulls of a build.
 */
import type { EngineAuth } from '../engine/push.js';
import type { Credentials } from '../registry/auth.js';

export { dockerConfigDir, readDockerConfig, DOCKER_HUB_SERVER, type DockerConfig } from './docker-config.js';
export { helperGet, HELPER_TIMEOUT_MS } from './helper.js';
export { allConfigLogins, dockerConfigLogin, type ConfigLogin, type ConfigLookupOptions } from './lookup.js';

/** A login as the Engine API's X-Registry-Auth takes it (dockerode's `auth`): an identity token as such. */
export function engineAuth(credentials: Credentials, serveraddress: string): EngineAuth {
  if (credentials.identityToken)
    return { username: '', password: '', identitytoken: credentials.password, serveraddress };
  return { username: credentials.username, password: credentials.password, serveraddress };
}
