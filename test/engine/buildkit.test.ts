import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BuildFailure, buildImage, findBuildx } from '../../src/engine/build.js';
import { runContainer } from '../../src/engine/containers.js';
import { BASE_IMAGES, baseArgs, FIXTURE_MODULES } from '../support/images.js';

const docker = new Docker();
const FEATURES = path.join(FIXTURE_MODULES, 'buildkit-features');
let work: string;
const tags: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mercure-buildkit-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  for (const tag of tags)
    await docker
      .getImage(tag)
      .remove({ noprune: false })
      .catch(() => undefined);
});

describe('BuildKit through buildx', () => {
  it('is installed here (scripts/setup.sh)', async () => {
    expect(await findBuildx()).toMatchObject({ version: expect.stringMatching(/^v?\d+\.\d+/) as unknown });
  });

  it('builds COPY --chmod and RUN --mount=type=cache, and a secret reaches its RUN step but no layer or log', async () => {
    const secret = `tok-${randomBytes(16).toString('hex')}`;
    const src = path.join(work, 'index-token');
    await writeFile(src, secret);
    const lines: string[] = [];
    const tag = `build-test/buildkit-features:${randomBytes(4).toString('hex')}`;
    tags.push(tag);
    const built = await buildImage(docker, {
      dir: FEATURES,
      tags: [tag],
      buildArgs: baseArgs('python'),
      secrets: [`id=index_token,src=${src}`],
      noCache: true,
      onLine: (line) => lines.push(line),
    });
    expect(built.builder).toBe('buildkit');
    const run = await runContainer(docker, {
      image: built.imageId,
      networkMode: 'none',
      cmd: ['sh', '-c', 'stat -c %a /app/docker-entrypoint.sh; cat /app/token-seen'],
    });
    const seen = createHash('sha256').update(secret).digest('hex').slice(0, 12);
    expect(run.stdout.split('\n')).toEqual(['755', seen, '']);
    expect(lines.join('\n')).toContain('COPY --chmod=755 docker-entrypoint.sh');
    expect([...lines, ...built.log].join('\n')).not.toContain(secret);
    // Every layer and the config, as `docker save` writes them.
    const saved = await execa('docker', ['save', built.imageId], { encoding: 'buffer', maxBuffer: 2 ** 31 });
    expect(Buffer.from(saved.stdout).includes(Buffer.from(secret))).toBe(false);
  });

  it('scrubs a secret from the log when a RUN step prints it', async () => {
    const dir = await mkdtemp(path.join(work, 'leaky-'));
    const secret = `tok-${randomBytes(16).toString('hex')}`;
    await writeFile(
      path.join(dir, 'Dockerfile'),
      `FROM ${BASE_IMAGES.busybox}\nRUN --mount=type=secret,id=t cat /run/secrets/t && false\n`,
    );
    const error = await buildImage(docker, {
      dir,
      secrets: ['id=t,env=MMK_TEST_SECRET'],
      env: { ...process.env, MMK_TEST_SECRET: secret },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildFailure);
    const failure = error as BuildFailure;
    expect(failure.step).toBe('RUN --mount=type=secret,id=t cat /run/secrets/t && false');
    expect(failure.log.join('\n')).toContain('***');
    expect(`${failure.message}\n${failure.log.join('\n')}`).not.toContain(secret);
  });

  it('names an unreachable # syntax= frontend as such', async () => {
    const dir = await mkdtemp(path.join(work, 'syntax-'));
    // A frontend on a loopback port where nothing listens: offline, as for docker/dockerfile:1.
    await writeFile(path.join(dir, 'Dockerfile'), `# syntax=127.0.0.1:9/dockerfile:1\nFROM ${BASE_IMAGES.busybox}\n`);
    const error = await buildImage(docker, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildFailure);
    expect((error as BuildFailure).frontend).toBe(true);
  });

  it('takes its cache from a registry: inline cache pushed, local cache pruned, steps CACHED', async () => {
    const token = randomBytes(8).toString('hex');
    const dir = await mkdtemp(path.join(work, 'cache-'));
    await writeFile(
      path.join(dir, 'Dockerfile'),
      `FROM ${BASE_IMAGES.busybox}\nRUN echo ${token} > /a && sleep 1\nRUN cat /a > /b # ${token}\n`,
    );
    const ref = `${inject('registryHost')}/build-test/cache-${token}:1`;
    tags.push(ref);
    const first = await buildImage(docker, { dir, tags: [ref], cacheTo: ['type=inline'] });
    expect(first.cachedSteps).toEqual([]);
    await execa('docker', ['push', ref]);
    const layers = async (id: string) => (await docker.getImage(id).inspect()).RootFS.Layers;
    const firstLayers = await layers(first.imageId);
    await docker.getImage(ref).remove();
    await pruneBuildCache(token);
    const lines: string[] = [];
    const second = await buildImage(docker, {
      dir,
      cacheFrom: [`type=registry,ref=${ref}`],
      onLine: (line) => lines.push(line),
    });
    expect(second.cachedSteps).toEqual([`RUN echo ${token} > /a && sleep 1`, `RUN cat /a > /b # ${token}`]);
    expect(lines.filter((l) => / CACHED$/.test(l)).length).toBeGreaterThanOrEqual(2);
    // The same layers (the config differs: it carries no cache metadata and a new date).
    tags.push(second.imageId);
    expect(await layers(second.imageId)).toEqual(firstLayers);
  });
});

/**
 * Prunes only the build cache records this test made (their description holds its token): the
 * engine's build cache is shared with everyone else's builds. A record with children survives
 * its own prune, so this goes round a few times; one whose snapshot an engine image still holds
 * cannot be pruned at all, so it is best effort.
 */
async function pruneBuildCache(token: string): Promise<void> {
  for (let round = 0; round < 4; round++) {
    const { stdout } = await execa('docker', ['buildx', 'du', '--verbose']);
    const ids = stdout
      .split(/\n\s*\n/)
      .filter((record) => record.includes(token))
      .map((record) => /^ID:\s+(\S+)/m.exec(record)?.[1])
      .filter((id): id is string => id !== undefined);
    if (round === 0) expect(ids.length).toBeGreaterThan(0);
    if (ids.length === 0) return;
    for (const id of ids) await execa('docker', ['buildx', 'prune', '--force', '--filter', `id=${id}`]);
  }
}
