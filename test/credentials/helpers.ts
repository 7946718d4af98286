// Real credential helpers for tests: small shell scripts named docker-credential-NAME in a temp
// folder put first on PATH, speaking the helper protocol (server URL on stdin, JSON on stdout).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A temp folder with a Docker config folder and a bin folder for helpers. */
export interface LoginWorld {
  dir: string;
  /** The folder DOCKER_CONFIG names. */
  configDir: string;
  bin: string;
  /** Where the helpers write each server they were asked about, one a line. */
  askedLog: string;
  /** DOCKER_CONFIG, and PATH with the helpers first. */
  env: Record<string, string>;
  writeConfig(config: unknown): Promise<void>;
  /** A helper answering `username`/`secret` for the servers in `servers`, "credentials not found" otherwise. */
  helper(name: string, servers: string[], username: string, secret: string): Promise<void>;
  /** A helper with the given shell body (stdin already read into $server). */
  rawHelper(name: string, body: string): Promise<void>;
  remove(): Promise<void>;
}

export async function loginWorld(): Promise<LoginWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-login-'));
  const configDir = path.join(dir, 'docker');
  const bin = path.join(dir, 'bin');
  await mkdir(configDir);
  await mkdir(bin);
  const askedLog = path.join(dir, 'asked.log');
  const rawHelper = async (name: string, body: string) => {
    const file = path.join(bin, `docker-credential-${name}`);
    await writeFile(
      file,
      `#!/bin/sh\n[ "$1" = get ] || { echo "only get" >&2; exit 2; }\nserver=$(cat)\nprintf '%s\\n' "$server" >> '${askedLog}'\n${body}\n`,
    );
    await chmod(file, 0o755);
  };
  return {
    dir,
    configDir,
    bin,
    askedLog,
    env: { DOCKER_CONFIG: configDir, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
    writeConfig: (config) => writeFile(path.join(configDir, 'config.json'), JSON.stringify(config, null, 2)),
    helper: (name, servers, username, secret) =>
      rawHelper(
        name,
        [
          ...servers.map(
            (s) =>
              `[ "$server" = '${s}' ] && { printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$server"; exit 0; }`,
          ),
          'echo "credentials not found in native keychain"; exit 1',
        ].join('\n'),
      ),
    rawHelper,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
