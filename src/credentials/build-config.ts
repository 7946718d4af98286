import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanupOnExit } from '../cleanup.js';
import { tempRoot } from '../local/index.js';
import type { Credentials } from '../registry/auth.js';
import { DOCKER_HUB } from '../registry/reference.js';
import { DOCKER_HUB_SERVER, dockerConfigDir, keyHost, keyNames, readDockerConfig } from './docker-config.js';
import { IDENTITY_TOKEN_USER } from './helper.js';
import { inlineLogin } from './lookup.js';

/** The helper our temporary config names: `docker-credential-mercure-module-kit`. */
const HELPER = 'mercure-module-kit';
/** The environment variable that carries the logins to that helper, in buildx's environment only. */
const LOGINS_ENV = 'MERCURE_MODULE_BUILD_LOGINS';
/** What buildx keeps in its config folder that a build needs from the user's: builders, contexts, plugins. */
const SHARED = ['buildx', 'contexts', 'cli-plugins'];

/** The key a Docker config files `registry` under (Docker Hub's is the CLI's IndexServer URL). */
export function configKey(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_SERVER : registry;
}

// The helper answers from the environment: a secret never touches the disk. Node runs it, as it
// runs us, so no other interpreter is assumed.
const HELPER_SOURCE = `'use strict';
const logins = JSON.parse(process.env[${JSON.stringify(LOGINS_ENV)}] || '{}');
if (process.argv[2] !== 'get') { process.stdout.write('only get is supported'); process.exit(1); }
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  const server = input.trim();
  const host = server.replace(/^[a-z]+:\\/\\//i, '').split('/')[0];
  const login = logins[server] || logins[host];
  if (!login) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  process.stdout.write(JSON.stringify({ ServerURL: server, Username: login.u, Secret: login.s }));
});
`;

/** A Docker config folder for one buildx run, and the environment that points buildx at it. */
export interface BuildDockerConfig {
  env: NodeJS.ProcessEnv;
  /** Removes the folder; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * A temporary Docker config for `docker buildx`, so that logins given to this tool (options,
 * MERCURE_REGISTRY_*) reach the pulls of a build without writing them anywhere: the config
 * (0600, in a 0700 folder) names only a credential helper of ours for those registries, and the
 * helper answers from an environment variable set for buildx alone. The user's own helpers,
 * builders, contexts and plugins stay in reach; their config file is neither read for secrets
 * nor written. Removed by `remove()`, which callers run in a finally.
 */
export async function buildDockerConfig(
  logins: Record<string, Credentials>,
  env: NodeJS.ProcessEnv,
): Promise<BuildDockerConfig> {
  const userDir = dockerConfigDir(env);
  const user = await readDockerConfig(userDir);
  const dir = await mkdtemp(path.join(await tempRoot(), 'mercure-docker-config-'));
  // Also removed by the front door's clean-up when an interrupt ends the run before the finally.
  const unregister = cleanupOnExit(() => rm(dir, { recursive: true, force: true }));
  const remove = async () => {
    await rm(dir, { recursive: true, force: true });
    unregister();
  };
  try {
    await chmod(dir, 0o700);
    const bin = path.join(dir, 'bin');
    await mkdir(bin, { mode: 0o700 });
    await writeFile(path.join(bin, 'helper.cjs'), HELPER_SOURCE, { mode: 0o600 });
    const program = path.join(bin, `docker-credential-${HELPER}`);
    await writeFile(
      program,
      `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(path.join(bin, 'helper.cjs'))} "$@"\n`,
      {
        mode: 0o700,
      },
    );
    const answers: Record<string, { u: string; s: string }> = {};
    const credHelpers: Record<string, string> = { ...user?.credHelpers };
    const serve = (registry: string, login: Credentials) => {
      const key = configKey(registry);
      answers[key] = { u: login.identityToken ? IDENTITY_TOKEN_USER : login.username, s: login.password };
      // A user's entry under another spelling of the same registry must not shadow ours.
      for (const other of Object.keys(credHelpers)) if (keyNames(other, registry)) delete credHelpers[other];
      credHelpers[key] = HELPER;
    };
    for (const [registry, login] of Object.entries(logins)) serve(registry, login);
    // The user's inline logins (read only where the Docker CLI reads them: no credsStore) are
    // served the same way, so that they are not copied into a file of ours.
    for (const [key, entry] of user && !user.credsStore ? Object.entries(user.auths) : []) {
      const registry = registryOfKey(key);
      if (registry in logins || Object.keys(credHelpers).some((k) => keyNames(k, registry))) continue;
      const login = inlineLogin(entry, key, user?.file ?? '');
      if (login) serve(registry, login);
    }
    const config: Record<string, unknown> = { credHelpers };
    if (user?.credsStore) config['credsStore'] = user.credsStore;
    await writeFile(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    for (const name of SHARED) {
      const target = path.join(userDir, name);
      if (
        await stat(target).then(
          (s) => s.isDirectory(),
          () => false,
        )
      )
        await symlink(target, path.join(dir, name));
    }
    return {
      env: {
        ...env,
        DOCKER_CONFIG: dir,
        PATH: `${bin}${path.delimiter}${env['PATH'] ?? ''}`,
        [LOGINS_ENV]: JSON.stringify(answers),
      },
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** The registry a config key names, as image references write it (`docker.io` for any spelling of Docker Hub). */
function registryOfKey(key: string): string {
  return keyNames(key, DOCKER_HUB) ? DOCKER_HUB : keyHost(key);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
