// Real registries for tests: Debian's docker-registry (CNCF distribution 2.8) as a child process
// on a free loopback port, with its storage and config in a fresh temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REGISTRY_BIN = '/usr/bin/docker-registry';

/** A running test registry. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, as written in image references. */
  host: string;
  /** `http://127.0.0.1:PORT`, the API base URL. */
  url: string;
  /** Kills the registry and removes its temp dir. */
  stop(): Promise<void>;
}

/** How the registry authenticates: an htpasswd user, or tokens from a token service. */
export interface StartRegistryOptions {
  /** HTTP Basic through an htpasswd file (bcrypt) holding this one user. */
  auth?: { username: string; password: string };
  /** Bearer tokens (the token spec) signed by the key whose certificate is at `rootCertBundle`. */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port from the OS');
  return address.port;
}

/** Runs a command with `input` on stdin; rejects with its stderr when it fails. */
function run(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed (${code}): ${stderr}`)),
    );
    child.stdin.end(input);
  });
}

function configYaml(dir: string, port: number, options: StartRegistryOptions): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (options.auth) {
    lines.push('auth:', '  htpasswd:', '    realm: mmk-test', `    path: ${join(dir, 'htpasswd')}`);
  } else if (options.token) {
    const t = options.token;
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${t.realm}`,
      `    service: ${t.service}`,
      `    issuer: ${t.issuer}`,
      `    rootcertbundle: ${t.rootCertBundle}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitUntilServing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${log()}`);
    try {
      const response = await fetch(`${url}/v2/`);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on ${url} within 15 s: ${log()}`);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts /usr/bin/docker-registry on a free 127.0.0.1 port with filesystem storage and deletes
 * enabled, optionally behind htpasswd (bcrypt, made by `htpasswd -iB` from stdin) or token auth,
 * and resolves once GET /v2/ answers 200 or 401.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'mmk-registry-'));
  try {
    if (options.auth) {
      await run('htpasswd', ['-ciB', join(dir, 'htpasswd'), options.auth.username], `${options.auth.password}\n`);
    }
    // The port is free when read but could be taken before the registry binds it: try again then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'config.yml');
      await writeFile(configPath, configYaml(dir, port, options));
      const child = spawn(REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      const onExit = () => child.kill('SIGKILL'); // never leave a registry behind a crashed run
      process.once('exit', onExit);
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitUntilServing(url, child, () => stderr);
      } catch (error) {
        process.off('exit', onExit);
        await kill(child);
        if (attempt < 3 && /address already in use/.test(stderr)) continue;
        throw error;
      }
      return {
        host: `127.0.0.1:${port}`,
        url,
        async stop() {
          process.off('exit', onExit);
          await kill(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
