import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildkitFeatures } from '../../src/contract/static/rules/buildkit.js';
import { release } from '../../src/pipeline/release.js';
import { validate } from '../../src/pipeline/validate.js';
import { MemoryLogger } from '../../src/logger.js';
import { runCli } from '../cli/run-cli.js';
import { BASE_IMAGES, baseArgs, FIXTURE_MODULES } from '../support/images.js';

const FEATURES = path.join(FIXTURE_MODULES, 'buildkit-features');
/** The release's own tag in the engine (release tags what it builds `<image>:<version>`). */
const REPOSITORY = `${inject('registryHost')}/build-test/features`;
const RELEASED = `${REPOSITORY}:1.0.0`;
let work: string;
/** A PATH with git but no docker CLI: a machine without buildx, as far as builds can tell. */
let noDocker: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-buildkit-pipeline-'));
  noDocker = path.join(work, 'bin');
  await mkdir(noDocker);
  await symlink('/usr/bin/git', path.join(noDocker, 'git'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  // Only the tag this file made: the engine is shared (the image goes too once nothing else tags it).
  await new Docker()
    .getImage(RELEASED)
    .remove()
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
});

describe('a module using COPY --chmod and RUN --mount', () => {
  it('validates with BuildKit', async () => {
    const logger = new MemoryLogger();
    const report = await validate({ dir: FEATURES, buildArgs: baseArgs('python'), recordTo: false, logger });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('releases to a registry, with a build secret', async () => {
    const state = await mkdtemp(path.join(work, 'state-'));
    const report = await release({
      dir: FEATURES,
      image: REPOSITORY,
      version: '1.0.0',
      buildArgs: baseArgs('python'),
      secrets: ['id=index_token,env=MMK_BUILD_TEST_TOKEN'],
      secretEnv: { MMK_BUILD_TEST_TOKEN: 'not-written-anywhere' },
      validationDir: state,
      timeoutSeconds: 120,
    });
    expect(report.ok).toBe(true);
    expect(report.publish?.digest).toMatch(/^sha256:/);
    expect(JSON.stringify(report)).not.toContain('not-written-anywhere');
  });

  it('without buildx: the legacy builder with a warning, and needs-buildkit findings', async () => {
    const result = await runCli(['validate', FEATURES, '--build-arg', `BASE_IMAGE=${BASE_IMAGES.python}`, '--json'], {
      PATH: noDocker,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/docker buildx is not available: building with the Docker Engine's legacy builder/);
    const report = JSON.parse(result.stdout) as { findings: { code: string; line?: number; message: string }[] };
    const needs = report.findings.filter((f) => f.code === 'needs-buildkit');
    expect(needs.map((f) => f.message.split(' needs')[0])).toEqual(['RUN --mount', 'RUN --mount', 'COPY --chmod']);
    expect(report.findings.map((f) => f.code)).toContain('build-failed');
  });

  it('check reports needs-buildkit only where buildx is missing', async () => {
    const codes = async (env: Record<string, string>) => {
      const out = await runCli(['check', FEATURES, '--json'], env);
      return (JSON.parse(out.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    };
    expect(await codes({})).not.toContain('needs-buildkit');
    expect(await codes({ PATH: noDocker })).toContain('needs-buildkit');
  });
});

describe('buildkitFeatures', () => {
  it.each([
    ['COPY --chmod=755 a /a', ['COPY --chmod']],
    ['COPY --link a /a', ['COPY --link']],
    ['ADD --chmod=644 a /a', ['ADD --chmod']],
    ['RUN --mount=type=cache,target=/root/.cache pip install x', ['RUN --mount']],
    ['RUN --network=none make', ['RUN --network']],
    ['RUN chmod --mount x', []],
    ['COPY a /a\nRUN chmod +x /a', []],
    ['RUN <<EOF\necho hi\nEOF', ['RUN heredoc (<<EOF)']],
    ['RUN cat <<EOF > /x ; true', []],
    ['# syntax=docker/dockerfile:1\nFROM x', ['# syntax=docker/dockerfile:1']],
    ['FROM x\n# syntax=docker/dockerfile:1', []],
  ])('%j', (text, features) => {
    expect(
      buildkitFeatures(`FROM base\n${text}`.replace(/^FROM base\n(# syntax)/, '$1')).map((f) => f.feature),
    ).toEqual(features);
  });
});
