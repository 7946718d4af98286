import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/pipeline/validate.js';
import { runCli } from '../cli/run-cli.js';
import { baseArgs, BASE_IMAGES, FIXTURE_MODULES } from '../support/images.js';

const MODULE = path.join(FIXTURE_MODULES, 'config-needs-shm-env');
const CONFIG = path.join(MODULE, 'module-config.json');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-module-config-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('validate --module-config', () => {
  it('passes a module that needs an environment variable and a 256 MB /dev/shm when its configuration gives them', async () => {
    const persistence = path.join(work, 'persistence');
    const report = await validate({
      dir: MODULE,
      buildArgs: baseArgs('busybox'),
      moduleConfig: CONFIG,
      settings: { radius: 2 },
      persistenceFolder: persistence,
      recordTo: false,
    });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    const log = report.smoke?.logTail.join('\n') ?? '';
    expect(log).toContain('model unet-small, /dev/shm 262144 KiB');
    // mercure's keys win over the module's own environment.
    expect(log).toContain('in dir /tmp/data');
    // task.json carries the stored configuration, and the settings merged as mercure merges them.
    expect(log).toContain('"module_config": {"docker_tag": "acme/segment:1"');
    expect(log).toContain('"settings": {"threshold": 0.5, "radius": 2}, "retain_input_images"');
    expect(report.smoke?.container?.HostConfig?.ShmSize).toBe(256 * 1024 * 1024);
    // The persistence folder is <persistence_folder>/<module name>; the lock file is gone after the run.
    expect(await readdir(path.join(persistence, 'module-under-test'))).toEqual([]);
  });

  it('fails the same module without it', async () => {
    const report = await validate({ dir: MODULE, buildArgs: baseArgs('busybox'), recordTo: false });
    expect(report.ok).toBe(false);
    expect(report.smoke?.findings.map((f) => f.code)).toContain('exit-nonzero');
    expect(report.smoke?.logTail.join('\n')).toContain('MODEL_NAME is not set');
  });

  it('refuses a bad docker_arguments value before anything is built (exit 2)', async () => {
    const file = path.join(work, 'bad-size.json');
    await writeFile(
      file,
      JSON.stringify({ docker_arguments: JSON.stringify({ shm_size: '2x' }), network_enabled: false }),
    );
    const result = await runCli([
      'validate',
      MODULE,
      '--module-config',
      file,
      '--build-arg',
      `BASE_IMAGE=${BASE_IMAGES.busybox}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/docker_arguments "shm_size" must be a size whose unit is b, k, m or g/);
    expect(result.stderr).not.toContain('building');
  });

  it('refuses flags that contradict the file', async () => {
    const result = await runCli(['validate', MODULE, '--module-config', CONFIG, '--network']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--network is given, but .* has "network_enabled": false/);
  });

  it('warns about docker_arguments outside the allow-list, and strips them with --forbid-unsafe-docker-args', async () => {
    const file = path.join(work, 'unsafe.json');
    const entry = {
      environment: JSON.stringify({ MODEL_NAME: 'x' }),
      docker_arguments: JSON.stringify({ shm_size: '256m', cap_drop: [] }),
      network_enabled: false,
    };
    await writeFile(file, JSON.stringify(entry));
    const kept = await validate({ dir: MODULE, buildArgs: baseArgs('busybox'), moduleConfig: file, recordTo: false });
    const unsafe = kept.findings.filter((f) => f.code === 'docker-argument-unsafe');
    expect(unsafe.map((f) => f.message)).toEqual([expect.stringMatching(/"cap_drop" .* strips it$/)]);
    // cap_drop given (even empty): mercure adds no cap_drop ALL.
    expect(kept.smoke?.container?.HostConfig?.CapDrop).toBeUndefined();
    const stripped = await validate({
      dir: MODULE,
      buildArgs: baseArgs('busybox'),
      moduleConfig: file,
      forbidUnsafeDockerArgs: true,
      recordTo: false,
    });
    expect(stripped.findings.find((f) => f.code === 'docker-argument-unsafe')?.message).toMatch(/stripped/);
    expect(stripped.smoke?.container?.HostConfig?.CapDrop).toEqual(['ALL']);
  });

  it('says that the module asked for a GPU this engine cannot give, and runs it without', async () => {
    const file = path.join(work, 'gpu.json');
    await writeFile(
      file,
      JSON.stringify({
        environment: JSON.stringify({ MODEL_NAME: 'x' }),
        docker_arguments: JSON.stringify({ shm_size: '256m' }),
        requires_persistence: true,
        network_enabled: false,
      }),
    );
    const report = await validate({
      dir: MODULE,
      buildArgs: baseArgs('busybox'),
      moduleConfig: file,
      gpus: 'all',
      recordTo: false,
    });
    const gpu = report.findings.find((f) => f.code === 'gpu-unavailable');
    expect(gpu?.message).toMatch(/asked for a GPU .* cannot give .* it ran without/);
    expect(report.ok).toBe(true);
  });
});
