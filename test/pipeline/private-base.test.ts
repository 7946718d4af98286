// A FROM on a private base image: the build pulls it from an htpasswd registry with a login given
// to this tool (through a temporary config for buildx, X-Registry-Config for the legacy builder)
// or with the Docker config's own, and fails with a message naming the base image without one.
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { buildModule, type BuildOptions } from '../../src/pipeline/build.js';
import { publish } from '../../src/pipeline/publish.js';
import { release } from '../../src/pipeline/release.js';

const host = inject('authRegistryHost');
const credentials = inject('registryCredentials');
const docker = new Docker();
const BASE = `${host}/login-base/busybox:1.0.0`;
const IMAGE = 'mmk-login/private-base';
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

let work: string;
let moduleDir: string;
/** A Docker config folder with no login in it: the build sees no ambient login. */
let emptyConfig: string;
/** A PATH with git but no docker CLI: the legacy builder. */
let noDocker: string;
// The legacy builder tags the base it pulls: removed with the module images.
const built: string[] = [BASE];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-private-base-'));
  moduleDir = path.join(work, 'module');
  emptyConfig = path.join(work, 'docker');
  noDocker = path.join(work, 'bin');
  await mkdir(moduleDir);
  await mkdir(emptyConfig);
  await mkdir(noDocker);
  await symlink('/usr/bin/git', path.join(noDocker, 'git'));
  await writeFile(path.join(moduleDir, 'Dockerfile'), `FROM ${BASE}\nCOPY hello.txt /hello.txt\n`);
  await writeFile(path.join(moduleDir, 'hello.txt'), 'hello\n');
  await publish({
    image: `${host}/login-base/busybox`,
    version: '1.0.0',
    source: 'mmk-base/busybox:static',
    skipValidate: true,
    credentials,
    dockerConfig: false,
  });
});
afterAll(async () => {
  for (const reference of built)
    await docker
      .getImage(reference)
      .remove({ force: true })
      .catch(() => {});
  await rm(work, { recursive: true, force: true });
});

/** Builds the module as version `version`, remembering the tag to remove. */
async function build(version: string, options: Partial<BuildOptions>) {
  built.push(`${IMAGE}:${version}`);
  return buildModule({ dir: moduleDir, image: IMAGE, version, ...options });
}

async function failure(promise: Promise<unknown>): Promise<ModuleError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModuleError);
  return error as ModuleError;
}

const ourTemp = async () => (await readdir(os.tmpdir())).filter((n) => n.startsWith('mercure-docker-config-'));

describe('a FROM on a private base image', () => {
  it('fails with a message naming the base image and the login it needs when there is none (buildx)', async () => {
    const error = await failure(build('1.0.0', { env: { ...process.env, DOCKER_CONFIG: emptyConfig } }));
    expect(error.code).toBe('base-image-login');
    expect(error.message).toContain(BASE);
    expect(error.message).toMatch(/requires a login/);
    expect(error.hint).toMatch(/docker login/);
  });

  it('is pulled with a login given to this tool, through a temporary config removed afterwards', async () => {
    const report = await build('1.0.1', {
      env: { ...process.env, DOCKER_CONFIG: emptyConfig },
      logins: { [host]: credentials },
    });
    expect(report.imageId).toMatch(/^sha256:/);
    expect(await ourTemp()).toEqual([]);
    expect(await readdir(emptyConfig)).not.toContain('config.json');
  });

  it('is pulled by release with the login it publishes with, when the base is on that registry', async () => {
    built.push(`${host}/login/private-release:1.0.5`);
    const report = await release({
      dir: moduleDir,
      image: `${host}/login/private-release`,
      version: '1.0.5',
      credentials,
      env: { ...process.env, DOCKER_CONFIG: emptyConfig },
      timeoutSeconds: 60,
    });
    // Built from the private base; this stand-in module then fails validation, so nothing is published.
    expect(report.build.imageId).toMatch(/^sha256:/);
    expect(report.publish).toBeUndefined();
  });

  it('is pulled with the Docker config login, which buildx reads itself', async () => {
    const configDir = path.join(work, 'logged-in');
    await mkdir(configDir, { recursive: true });
    await writeFile(
      path.join(configDir, 'config.json'),
      JSON.stringify({ auths: { [host]: { auth: basic(credentials.username, credentials.password) } } }),
    );
    const report = await build('1.0.2', { env: { ...process.env, DOCKER_CONFIG: configDir } });
    expect(report.imageId).toMatch(/^sha256:/);
  });

  it('is pulled by the legacy builder with the login in X-Registry-Config, and refused without', async () => {
    const env = { ...process.env, PATH: noDocker, DOCKER_CONFIG: emptyConfig };
    const refused = await failure(build('1.0.3', { env }));
    expect(refused.code).toBe('base-image-login');
    expect(refused.message).toContain(BASE);
    const report = await build('1.0.4', { env, logins: { [host]: credentials } });
    expect(report.imageId).toMatch(/^sha256:/);
    // The Docker config's login, sent as the Docker CLI sends it (the base is pulled again: removed first).
    await docker.getImage(BASE).remove({ force: true });
    const fromConfig = await build('1.0.6', { env: { ...env, DOCKER_CONFIG: path.join(work, 'logged-in') } });
    expect(fromConfig.imageId).toMatch(/^sha256:/);
  });
});
