// A real SIGTERM to a real CLI process (the CLI from src/ under tsx, as bin/ runs build/), with its
// own HOME and TMPDIR so that what it leaves can be seen: its containers and temp folders go,
// it exits as interrupted, says what was and was not published, and a re-run finishes the job.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { OWNER_LABEL } from '../../src/engine/containers.js';
import { publish } from '../../src/pipeline/publish.js';
import { runCli } from '../cli/run-cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { BASE_IMAGES, FIXTURE_MODULES, REPO_ROOT } from '../support/images.js';
import { tagsAt, tinyModule, untagPushed } from './support.js';

const host = inject('registryHost');
const ENTRY = path.join(REPO_ROOT, 'test/faults/cli-entry.ts');
const HUNG = path.join(FIXTURE_MODULES, 'smoke-module-hung');
const docker = new Docker();
let sandbox: string;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'mmk-signals-'));
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await untagPushed([`${host}/signals/`, ...proxies.map((p) => `${p.host}/`)]);
  await rm(sandbox, { recursive: true, force: true });
});

/** Starts the CLI in a child process with a fresh HOME and TMPDIR under the sandbox. */
async function startCli(name: string, args: string[]) {
  const tmp = path.join(sandbox, `${name}-tmp`);
  const home = path.join(sandbox, `${name}-home`);
  await Promise.all([mkdir(tmp, { recursive: true }), mkdir(home, { recursive: true })]);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/^(MERCURE_|GITHUB_|INPUT_)/.test(key)) env[key] = value;
  const child = execa(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...env, HOME: home, TMPDIR: tmp, MERCURE_MODULE_STATE_DIR: path.join(home, 'state') },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 300_000,
  });
  return { child, tmp, home };
}

/** Polls until `check` holds (at most `ms`). */
async function until(check: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const containersOf = (pid: number | undefined) =>
  docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${pid}`] } });
/** What the tool left in a TMPDIR: anything but tsx's own compile cache. */
const leftIn = async (dir: string) => (await readdir(dir)).filter((name) => !/^tsx-\d+$/.test(name));

describe('SIGTERM and timeouts in a real CLI process', () => {
  test('validate: SIGTERM while the module runs removes its container and case folder, and exits 130', async () => {
    const { child, tmp } = await startCli('validate-term', [
      'validate',
      HUNG,
      '--build-arg',
      `BASE_IMAGE=${BASE_IMAGES.busybox}`,
      '--timeout',
      '120',
    ]);
    await until(async () => (await containersOf(child.pid)).length > 0);
    expect((await leftIn(tmp)).some((name) => name.startsWith('mercure-smoke-'))).toBe(true);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGTERM received: stopping and removing containers');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(await containersOf(child.pid)).toEqual([]);
    expect(await leftIn(tmp)).toEqual([]);
  });

  test('validate: a module killed by --timeout leaves no container and no case folder', async () => {
    const { child, tmp } = await startCli('validate-timeout', [
      'validate',
      HUNG,
      '--build-arg',
      `BASE_IMAGE=${BASE_IMAGES.busybox}`,
      '--timeout',
      '2',
    ]);
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/timeout|timed out/i);
    expect(await containersOf(child.pid)).toEqual([]);
    expect(await leftIn(tmp)).toEqual([]);
  });

  test('publish: SIGTERM while the engine pushes; no floating tag moved, the message says so, a re-run completes', async () => {
    const repository = 'signals/push';
    const old = (
      await publish({
        image: `${host}/${repository}`,
        version: '1.0.0',
        source: await tinyModule('1.0.0'),
        skipValidate: true,
      })
    ).digest;
    let kill: (() => void) | undefined;
    const proxy = await startFaultProxy({
      target: host,
      rate: 0,
      seed: 3,
      decide: (r) => (r.engine && r.method === 'HEAD' && kill?.(), r.engine ? 'delay' : undefined),
    });
    proxies.push(proxy);
    const source = await tinyModule('1.1.0');
    const image = `${proxy.host}/${repository}`;
    const { child, tmp } = await startCli('publish-term', [
      'publish',
      '--image',
      image,
      '--version',
      '1.1.0',
      '--source',
      source,
      '--skip-validate',
      '--pusher',
      'engine',
    ]);
    kill = () => child.kill('SIGTERM');
    const result = await child;
    expect(result.stderr).toContain(
      `mercure-module: error: interrupted while pushing ${image}:1.1.0: the version tag may or may not have reached the registry; no floating tag was moved`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.exitCode, result.stderr).toBe(130);
    // Requests the engine still had in the proxy reach the registry first; then nothing more can change.
    await proxy.idle();
    expect(await tagsAt(host, repository, ['1.1', '1', 'latest'])).toEqual({ '1.1': undefined, '1': old, latest: old });
    expect(await leftIn(tmp)).toEqual([]);
    const again = await runCli([
      'publish',
      '--image',
      image,
      '--version',
      '1.1.0',
      '--source',
      source,
      '--skip-validate',
      '--json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    const digest = (JSON.parse(again.stdout) as { digest: string }).digest;
    expect(await tagsAt(host, repository, ['1.1.0', '1.1', '1', 'latest'])).toEqual({
      '1.1.0': digest,
      '1.1': digest,
      '1': digest,
      latest: digest,
    });
  });

  test('publish: SIGTERM while floating tags move; none moves after it, and the message names those that did', async () => {
    const repository = 'signals/floating';
    const old = (
      await publish({
        image: `${host}/${repository}`,
        version: '1.0.0',
        source: await tinyModule('1.0.0'),
        skipValidate: true,
      })
    ).digest;
    let killedAt = 0;
    const late: string[] = [];
    let kill: (() => void) | undefined;
    const proxy = await startFaultProxy({
      target: host,
      rate: 0,
      seed: 4,
      decide: (r) => {
        if (killedAt && r.method === 'PUT') late.push(`${r.method} ${r.path}`);
        if (!killedAt && !r.engine && r.method === 'PUT' && r.path.endsWith('/manifests/1.1')) {
          killedAt = Date.now();
          kill?.();
          return 'delay'; // this PUT is on its way: it lands, and is the last
        }
        return undefined;
      },
    });
    proxies.push(proxy);
    const source = await tinyModule('1.1.0');
    const image = `${proxy.host}/${repository}`;
    const { child } = await startCli('publish-floating', [
      'publish',
      '--image',
      image,
      '--version',
      '1.1.0',
      '--source',
      source,
      '--skip-validate',
    ]);
    kill = () => child.kill('SIGTERM');
    const result = await child;
    const now = await tagsAt(host, repository, ['1.1.0', '1.1', '1', 'latest']);
    expect(result.stderr).toContain(
      `mercure-module: error: interrupted: ${image} has 1.1.0, 1.1 on ${now['1.1.0']}; not moved: 1, latest (no tag moves after the interrupt)`,
    );
    expect(result.exitCode, result.stderr).toBe(130);
    expect(now).toEqual({ '1.1.0': now['1.1.0'], '1.1': now['1.1.0'], '1': old, latest: old });
    expect(late).toEqual([]);
  });
});
