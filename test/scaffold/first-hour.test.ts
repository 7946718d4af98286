// A module author's first hour, end to end on the real engine and the suite's registry:
// init -> validate -> build -> validate that image -> publish, then a release through the
// generated Makefile, as the author would type it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { runCli } from '../cli/run-cli.js';
import { writeCliShim } from '../docs/cli-shim.js';
import { BASE_IMAGES } from '../support/images.js';

const registryHost = inject('registryHost');
const BASE = `BASE_IMAGE=${BASE_IMAGES.python}`;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-first-hour-'));
  env = { MERCURE_MODULE_STATE_DIR: path.join(root, 'state') };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function tagDigests(repository: string, tags: string[]): Promise<Record<string, string | undefined>> {
  const client = new RegistryClient({ registry: registryHost });
  const out: Record<string, string | undefined> = {};
  for (const tag of tags) out[tag] = (await client.headManifest(repository, tag))?.digest;
  return out;
}

describe('scaffold -> validate -> build -> publish', () => {
  it('publishes a freshly generated module, unedited, to the local registry (no --skip-validate)', async () => {
    const dir = path.join(root, 'first-hour');
    const image = `${registryHost}/scaffold/first-hour`;

    const created = await runCli(['init', dir, '--namespace', `${registryHost}/scaffold`]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created the mercure module ${image}`);

    // The first thing an author runs: the module as generated passes, with no finding at all.
    const validated = await runCli(['validate', dir, '--build-arg', BASE, '--image-name', image, '--json'], env);
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    const report = JSON.parse(validated.stdout) as {
      ok: boolean;
      findings: unknown[];
      smoke: { exitCode: number; outputs: { kind: string }[] };
    };
    expect(report.findings).toEqual([]);
    expect(report.smoke.exitCode).toBe(0);
    expect(report.smoke.outputs.filter((o) => o.kind === 'dicom').length).toBeGreaterThan(0);

    const built = await runCli(
      ['build', dir, '--image', image, '--version', '0.1.0', '--build-arg', BASE, '--json'],
      env,
    );
    expect(built.code, built.stderr).toBe(0);
    const { reference, labels } = JSON.parse(built.stdout) as { reference: string; labels: Record<string, string> };
    expect(reference).toBe(`${image}:0.1.0`);
    expect(labels['org.opencontainers.image.version']).toBe('0.1.0');
    expect(labels['org.opencontainers.image.title']).toBe('first-hour');

    // The labelled image is what gets published, so that is the image validate must have passed.
    const again = await runCli(['validate', '--image', reference, '--json'], env);
    expect(again.code, again.stdout).toBe(0);

    const published = await runCli(['publish', '--image', image, '--version', '0.1.0', '--json'], env);
    expect(published.code, published.stderr).toBe(0);
    const result = JSON.parse(published.stdout) as {
      digest: string;
      skipValidate: boolean;
      tags: { tag: string; digest: string }[];
    };
    expect(result.skipValidate).toBe(false);
    expect(result.tags.map((t) => t.tag)).toEqual(['0.1.0', '0.1', 'latest']);
    const held = await tagDigests('scaffold/first-hour', ['0.1.0', '0.1', 'latest', '0']);
    expect(held).toEqual({ '0.1.0': result.digest, '0.1': result.digest, latest: result.digest, '0': undefined });
  });

  it('releases through the generated Makefile: make validate, then make release VERSION=1.0.0', async () => {
    const dir = path.join(root, 'by-make');
    const image = `${registryHost}/scaffold/by-make`;
    expect((await runCli(['init', dir, '--namespace', `${registryHost}/scaffold`])).code).toBe(0);
    const bin = await writeCliShim(root);
    const make = (...args: string[]) =>
      promisify(execFile)('make', [...args, `BASE_IMAGE=${BASE_IMAGES.python}`], {
        cwd: dir,
        env: { ...process.env, ...env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
      });

    const validated = await make('validate');
    expect(validated.stdout).toMatch(/✓ passed \(0 error\(s\), 0 warning\(s\)\)/);
    const released = await make('release', 'VERSION=1.0.0');
    expect(released.stdout).toContain(`${image} 1.0.0`);
    const held = await tagDigests('scaffold/by-make', ['1.0.0', '1.0', '1', 'latest']);
    expect(new Set(Object.values(held)).size).toBe(1);
    expect(held['1.0.0']).toMatch(/^sha256:/);

    const status = await runCli(['status', `${image}:1`, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ version: '1.0.0', digest: held['1'] });
  });
});
