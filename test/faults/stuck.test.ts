// SIGINT ends every command within a couple of seconds, whatever it is waiting for: a registry or
// an Engine that accepts TCP and never answers, a module that never ends. Real CLI processes (as
// cli-signals.test.ts starts them) against real peers on 127.0.0.1; the time each took to stop
// after SIGINT is printed (timing goals live in bench/, not in assertions).
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OWNER_LABEL } from '../../src/engine/containers.js';
import { startSilentPeer, type Peer } from '../support/bad-peers.js';
import { BASE_IMAGES, FIXTURE_MODULES, REPO_ROOT } from '../support/images.js';

const ENTRY = path.join(REPO_ROOT, 'test/faults/cli-entry.ts');
const docker = new Docker();
let sandbox: string;
let silent: Peer;
const stopTimes: string[] = [];

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'mmk-stuck-'));
  silent = await startSilentPeer();
});
afterAll(async () => {
  console.log(`time from SIGINT to exit: ${stopTimes.join(', ')}`);
  await silent.close();
  await rm(sandbox, { recursive: true, force: true });
});

/** The CLI in a child process with its own HOME and TMPDIR; `ready` says when to send SIGINT. */
async function interrupt(
  name: string,
  args: string[],
  ready: (pid: number | undefined) => Promise<boolean>,
  env: Record<string, string> = {},
) {
  const tmp = path.join(sandbox, `${name}-tmp`);
  const home = path.join(sandbox, `${name}-home`);
  await Promise.all([mkdir(tmp, { recursive: true }), mkdir(home, { recursive: true })]);
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/^(MERCURE_|GITHUB_|INPUT_|DOCKER_HOST)/.test(key)) base[key] = value;
  const child = execa(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...base, HOME: home, TMPDIR: tmp, MERCURE_MODULE_STATE_DIR: path.join(home, 'state'), ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    // A guard against a hang, not a timing assertion: before the fix these ran for minutes or for ever.
    timeout: 120_000,
  });
  const deadline = Date.now() + 100_000;
  while (!(await ready(child.pid)) && Date.now() < deadline && child.exitCode === null)
    await new Promise((resolve) => setTimeout(resolve, 100));
  const sent = Date.now();
  child.kill('SIGINT');
  const result = await child;
  stopTimes.push(`${name} ${((Date.now() - sent) / 1000).toFixed(1)} s`);
  return { result, tmp, pid: child.pid };
}

const leftIn = async (dir: string) => (await readdir(dir)).filter((entry) => !/^tsx-\d+$/.test(entry));

describe('SIGINT ends every command', () => {
  test('status at a registry that accepts TCP and never answers', async () => {
    const before = silent.connections();
    const { result } = await interrupt('status', ['status', `${silent.host}/acme/blur:1`], async () =>
      Promise.resolve(silent.connections() > before),
    );
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT received');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  test('validate with DOCKER_HOST at an Engine that accepts TCP and never answers', async () => {
    const before = silent.connections();
    const { result } = await interrupt(
      'validate-engine',
      ['validate', '--image', 'mmk-base/busybox:static'],
      async () => Promise.resolve(silent.connections() > before),
      { DOCKER_HOST: `tcp://${silent.host}` },
    );
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  test('validate while the module hangs: its container and case folder go', async () => {
    const containersOf = async (pid: number | undefined) =>
      (await docker.listContainers({ all: true, filters: { label: [OWNER_LABEL] } })).filter(
        (c) => c.Labels[OWNER_LABEL]?.split(' ')[0] === String(pid),
      );
    const { result, tmp, pid } = await interrupt(
      'validate-hung',
      ['validate', path.join(FIXTURE_MODULES, 'smoke-module-hung'), '--build-arg', `BASE_IMAGE=${BASE_IMAGES.busybox}`],
      async (pid) => (await containersOf(pid)).length > 0,
    );
    expect(result.exitCode, result.stderr).toBe(130);
    expect(await containersOf(pid)).toEqual([]);
    expect(await leftIn(tmp)).toEqual([]);
  });
});

describe('peers that never answer time out by themselves (MERCURE_MODULE_REQUEST_TIMEOUT)', () => {
  const run = (args: string[], env: Record<string, string>) =>
    execa(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      cwd: REPO_ROOT,
      env: { ...env, MERCURE_MODULE_REQUEST_TIMEOUT: '1', HOME: sandbox },
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });

  test('status names the registry that did not answer, exit 3', async () => {
    const result = await run(['status', `${silent.host}/acme/blur:1`], {});
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain(`registry at http://${silent.host}/v2/acme/blur/manifests/1`);
    expect(result.stderr).toContain('ETIMEDOUT');
  });

  test('validate names the Engine that did not answer, exit 3', async () => {
    const result = await run(['validate', '--image', 'mmk-base/busybox:static'], {
      DOCKER_HOST: `tcp://${silent.host}`,
    });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain(`no Docker Engine answers at tcp://${silent.host}: no answer within 1 s`);
  });
});
