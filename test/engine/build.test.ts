import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildFailure, buildImage } from '../../src/engine/build.js';
import { listBuildContext } from '../../src/engine/context.js';
import { runContainer } from '../../src/engine/containers.js';
import { BASE_IMAGES } from '../support/images.js';

const docker = new Docker();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mercure-build-test-'));
  await mkdir(path.join(dir, 'data/keep'), { recursive: true });
  await writeFile(path.join(dir, 'data/big.bin'), 'ignored');
  await writeFile(path.join(dir, 'data/keep/small.txt'), 'kept');
  await writeFile(path.join(dir, 'app.sh'), '#!/bin/sh\necho "hello $GREETING"\n', { mode: 0o755 });
  await writeFile(path.join(dir, '.dockerignore'), 'data\n!data/keep\nDockerfile\n');
  await writeFile(
    path.join(dir, 'Dockerfile'),
    'ARG BASE_IMAGE=busybox:1.36.1\nFROM ${BASE_IMAGE}\nARG GREETING=nobody\nENV GREETING=${GREETING}\nCOPY . /ctx/\nCMD ["/ctx/app.sh"]\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('build context', () => {
  it('follows .dockerignore like Docker, re-includes, and always sends the Dockerfile', async () => {
    const context = await listBuildContext(dir);
    expect(context.files).toEqual(['.dockerignore', 'Dockerfile', 'app.sh', 'data/keep/small.txt']);
  });
});

describe('buildImage', () => {
  it('builds with build args and labels and returns the image ID', async () => {
    const built = await buildImage(docker, {
      dir,
      buildArgs: { BASE_IMAGE: BASE_IMAGES.busybox, GREETING: 'mercure' },
      labels: { 'org.opencontainers.image.version': '9.9.9' },
    });
    expect(built.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const info = await docker.getImage(built.imageId).inspect();
    expect(info.Config.Labels?.['org.opencontainers.image.version']).toBe('9.9.9');
    const run = await runContainer(docker, {
      image: built.imageId,
      networkMode: 'none',
      cmd: ['sh', '-c', '/ctx/app.sh; ls -R /ctx | sort'],
    });
    expect(run.stdout).toContain('hello mercure');
    expect(run.stdout).toContain('small.txt');
    expect(run.stdout).not.toContain('big.bin');
  });

  it('reports the failing step of a broken Dockerfile (BuildKit)', async () => {
    await writeFile(
      path.join(dir, 'Dockerfile.broken'),
      `FROM ${BASE_IMAGES.busybox}\nRUN echo building\nRUN sh -c 'echo about to fail; exit 7'\n`,
    );
    const error = await buildImage(docker, { dir, dockerfile: 'Dockerfile.broken' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildFailure);
    expect((error as BuildFailure).message).toMatch(/exit code: 7/);
    expect((error as BuildFailure).step).toMatch(/^RUN sh -c 'echo about to fail/);
    expect((error as BuildFailure).log.join('\n')).toContain('about to fail');
  });

  it('falls back to the legacy builder without buildx, and names its failing step too', async () => {
    const noDockerCli = await mkdtemp(path.join(os.tmpdir(), 'mercure-build-test-path-'));
    try {
      const env = { ...process.env, PATH: noDockerCli };
      const error = await buildImage(docker, { dir, dockerfile: 'Dockerfile.broken', env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildFailure);
      expect((error as BuildFailure).message).toMatch(/returned a non-zero code: 7/);
      expect((error as BuildFailure).step).toMatch(/^Step 3\/3 : RUN sh -c/);
      const built = await buildImage(docker, { dir, buildArgs: { BASE_IMAGE: BASE_IMAGES.busybox }, env });
      expect(built.builder).toBe('legacy');
      const refused = await buildImage(docker, { dir, env, secrets: ['id=x,env=PATH'] }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'needs-buildx' });
    } finally {
      await rm(noDockerCli, { recursive: true, force: true });
    }
  });
});
