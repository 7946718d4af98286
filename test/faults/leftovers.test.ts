// Leftovers of killed runs (class 8), with real CLI processes: two validate runs of a hung module
// share a TMPDIR; one is killed with SIGKILL (nothing of it can clean up), and its container and
// case folder stay. The next run removes exactly those, says so naming the dead process, and
// leaves the live run's container and case folder alone.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OWNER_LABEL, OWNER_PROCESS_LABEL } from '../../src/engine/containers.js';
import { ownerIsGone, thisProcess } from '../../src/local/index.js';
import { BASE_IMAGES, FIXTURE_MODULES, REPO_ROOT } from '../support/images.js';
import { tinyModule } from './support.js';

const ENTRY = path.join(REPO_ROOT, 'test/faults/cli-entry.ts');
const HUNG = path.join(FIXTURE_MODULES, 'smoke-module-hung');
const docker = new Docker();
let tmp: string;
let tiny: string;
const children: { kill: (signal: NodeJS.Signals) => unknown; pid?: number | undefined; done: Promise<unknown> }[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mmk-leftovers-'));
  tiny = await tinyModule('0.0.1', 'leftovers');
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.allSettled(children.map((child) => child.done));
  const ours = await docker.listContainers({ all: true, filters: { label: [OWNER_PROCESS_LABEL] } });
  for (const c of ours.filter((c) => children.some((child) => c.Labels[OWNER_LABEL] === String(child.pid))))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  await rm(tmp, { recursive: true, force: true });
});

function cli(args: string[]) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/^(MERCURE_|GITHUB_|INPUT_)/.test(key)) env[key] = value;
  const child = execa(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...env, TMPDIR: tmp, MERCURE_MODULE_STATE_DIR: path.join(tmp, 'state') },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 300_000,
  });
  children.push({ kill: (signal) => child.kill(signal), pid: child.pid, done: child });
  return child;
}

async function until(check: () => Promise<boolean>, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const containersOf = async (pid: number | undefined) =>
  (await docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${pid}`] } })).map((c) => c.Id);
const foldersOf = async (pid: number | undefined) =>
  (await readdir(tmp)).filter((name) => name.startsWith(`mercure-smoke-${pid}.`));

describe('leftovers of killed runs', () => {
  test('ownerIsGone: this process lives; a made-up start time or an exited process is gone', async () => {
    const me = thisProcess();
    expect(ownerIsGone(me)).toBe(false);
    expect(ownerIsGone({ ...me, start: String(Number(me.start) + 1) })).toBe(true);
    const child = spawn('true');
    await new Promise((resolve) => child.once('exit', resolve));
    const pid = child.pid ?? 0;
    expect(ownerIsGone({ ...me, pid })).toBe(true);
    // Another host's or an unknown start is never judged gone.
    expect(ownerIsGone({ ...me, pid, host: 'elsewhere' })).toBe(false);
    expect(ownerIsGone({ ...me, pid, start: 'unknown' })).toBe(false);
  });

  test('a later run removes what a SIGKILLed run left, says so, and leaves a live run alone', async () => {
    const args = ['validate', HUNG, '--build-arg', `BASE_IMAGE=${BASE_IMAGES.busybox}`, '--timeout', '200'];
    const killed = cli(args);
    const alive = cli(args);
    // Past the probe (a container of its own, gone in a moment): the module's container runs.
    const running = (child: ReturnType<typeof cli>) => {
      let said = '';
      child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
      return async () => /› smoke run of/.test(said) && (await containersOf(child.pid)).length > 0;
    };
    const [killedRuns, aliveRuns] = [running(killed), running(alive)];
    await until(killedRuns);
    await until(aliveRuns);
    killed.kill('SIGKILL');
    await killed;
    // SIGKILL: nothing could clean up.
    const leftContainers = await containersOf(killed.pid);
    const leftFolders = await foldersOf(killed.pid);
    expect(leftContainers).toHaveLength(1);
    expect(leftFolders).toHaveLength(1);
    const aliveContainers = await containersOf(alive.pid);
    const aliveFolders = await foldersOf(alive.pid);

    const next = await cli(['validate', '--image', tiny]);
    expect(next.stderr).toContain(
      `removed what killed runs left behind (their processes are gone): process ${killed.pid}: container ${leftContainers[0]?.slice(0, 12)}, temp folder ${path.join(tmp, leftFolders[0] ?? '')}`,
    );
    expect(next.stderr).not.toContain(`process ${alive.pid}:`);
    expect(await containersOf(killed.pid)).toEqual([]);
    expect(await foldersOf(killed.pid)).toEqual([]);
    expect(await containersOf(alive.pid)).toEqual(aliveContainers);
    expect(await foldersOf(alive.pid)).toEqual(aliveFolders);

    alive.kill('SIGTERM');
    expect((await alive).exitCode).toBe(130);
    expect(await containersOf(alive.pid)).toEqual([]);
    expect(await foldersOf(alive.pid)).toEqual([]);
  });
});
