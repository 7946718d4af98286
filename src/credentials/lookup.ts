import { ModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { DOCKER_HUB } from '../registry/reference.js';
import {
  dockerConfigDir,
  entryFor,
  keyHost,
  keyNames,
  readDockerConfig,
  serverKeys,
  type AuthEntry,
} from './docker-config.js';
import { helperGet, IDENTITY_TOKEN_USER } from './helper.js';

/** A login found in the Docker config, and where: "from the Docker config" or "from credential helper NAME". */
export interface ConfigLogin {
  credentials: Credentials;
  origin: string;
}

/** Where to look: the environment that names the config (DOCKER_CONFIG, HOME) and finds helpers (PATH). */
export interface ConfigLookupOptions {
  env?: NodeJS.ProcessEnv;
  /** How long one credential helper may take (default HELPER_TIMEOUT_MS). */
  helperTimeoutMs?: number;
}

/**
 * The login the Docker CLI would use for `registry` (a host as image references write it;
 * `docker.io` for Docker Hub), by the CLI's own order: a `credHelpers` entry for it, else the
 * `credsStore`, else the inline `auths` entry. With a helper configured the inline entry is not
 * read, as the Docker CLI does not read it: buildx, which pulls base images, then sees the same login.
 */
export async function dockerConfigLogin(
  registry: string,
  options: ConfigLookupOptions = {},
): Promise<ConfigLogin | undefined> {
  const env = options.env ?? process.env;
  const config = await readDockerConfig(dockerConfigDir(env));
  if (!config) return undefined;
  const entry = entryFor(config.auths, registry);
  const helper = entryFor(config.credHelpers, registry)?.value ?? config.credsStore;
  if (helper) {
    // Helpers file a login under the key `docker login` used: that one first, then the usual spellings.
    const servers = [...new Set([...(entry ? [entry.key] : []), ...serverKeys(registry)])];
    for (const server of servers) {
      const answer = await helperGet(helper, server, {
        env,
        ...(options.helperTimeoutMs !== undefined ? { timeoutMs: options.helperTimeoutMs } : {}),
      });
      if (!answer) continue;
      const origin = `from credential helper ${helper}`;
      if (answer.username === IDENTITY_TOKEN_USER || !answer.username)
        return {
          credentials: { username: IDENTITY_TOKEN_USER, password: answer.secret, identityToken: true, origin },
          origin,
        };
      return { credentials: { username: answer.username, password: answer.secret, origin }, origin };
    }
    return undefined;
  }
  if (!entry) return undefined;
  const credentials = inlineLogin(entry.value, entry.key, config.file);
  const origin = 'from the Docker config';
  return credentials ? { credentials: { ...credentials, origin }, origin } : undefined;
}

/**
 * Every login the Docker config names a registry for (its `auths` and `credHelpers` keys), as
 * the Docker CLI sends them all to the Engine's legacy builder; like the CLI, a registry whose
 * helper fails is left out rather than failing the build.
 */
export async function allConfigLogins(options: ConfigLookupOptions = {}): Promise<Record<string, Credentials>> {
  const config = await readDockerConfig(dockerConfigDir(options.env ?? process.env)).catch(() => undefined);
  if (!config) return {};
  const registries = new Set(
    [...Object.keys(config.auths), ...Object.keys(config.credHelpers)].map((key) =>
      keyNames(key, DOCKER_HUB) ? DOCKER_HUB : keyHost(key),
    ),
  );
  const logins: Record<string, Credentials> = {};
  for (const registry of registries) {
    const found = await dockerConfigLogin(registry, options).catch(() => undefined);
    if (found) logins[registry] = found.credentials;
  }
  return logins;
}

/** The login an `auths` entry holds inline: `auth` (base64 user:password), the split fields, or an identity token. */
export function inlineLogin(entry: AuthEntry, key: string, file: string): Credentials | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(entry.auth) || colon <= 0) {
      throw new ModuleError(
        'docker-config-invalid',
        `the Docker config ${file} holds an "auth" for ${key} that is not base64 of user:password`,
        { kind: 'environment', hint: `Log in again (\`docker login ${key}\`), or give the login as an option.` },
      );
    }
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken)
    return { username: username ?? IDENTITY_TOKEN_USER, password: entry.identitytoken, identityToken: true };
  if (username && password) return { username, password };
  return undefined;
}
