// The local machine as it may be: a read-only HOME, working folder, TMPDIR or /tmp, a file where a
// folder should be. Read-only here means a read-only mount (root ignores permission bits), made
// in a private mount namespace of the CLI's own process (`unshare -m`), so nothing outside it
// ever sees the mount. Each must give a clear error before any work, or a fallback said out loud.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { whyUnwritable } from '../../src/local/index.js';
import { REPO_ROOT } from '../support/images.js';
import { tinyModule } from '../faults/support.js';

const ENTRY = path.join(REPO_ROOT, 'test/faults/cli-entry-machine.ts');
/** tsx by path: the CLI may run from a working folder that has no node_modules above it. */
const TSX = pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
let sandbox: string;
let tiny: string;

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'mmk-machine-'));
  tiny = await tinyModule('0.0.1', 'machine');
}, 120_000);
afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

interface Run {
  /** Folders mounted read-only (onto themselves) before the CLI starts. */
  readOnly?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** The CLI in its own mount namespace, with `readOnly` folders remounted read-only in it. */
async function cli(args: string[], run: Run = {}) {
  const home = path.join(sandbox, 'home');
  await mkdir(home, { recursive: true });
  const mounts = (run.readOnly ?? []).map(
    (dir) => `mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}" && `,
  );
  const script = `${mounts.join('')}exec "$0" "$@"`;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/^(MERCURE_|GITHUB_|INPUT_|XDG_)/.test(key)) env[key] = value;
  return execa('unshare', ['-m', 'sh', '-c', script, process.execPath, '--import', TSX, ENTRY, ...args], {
    cwd: run.cwd ?? REPO_ROOT,
    env: { ...env, HOME: home, TMPDIR: sandbox, ...run.env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 180_000,
  });
}

async function folder(name: string): Promise<string> {
  const dir = path.join(sandbox, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

const noStack = /\n\s+at .+:\d+:\d+|internal error/;

describe('whyUnwritable', () => {
  test('a writable folder, and a missing one under it, can be written; the probe leaves nothing', async () => {
    const dir = await folder('probe');
    expect(await whyUnwritable(dir)).toBeUndefined();
    expect(await whyUnwritable(path.join(dir, 'a/b/c'))).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  test('a file in the way is named, wherever it sits on the path', async () => {
    const dir = await folder('file-in-the-way');
    await writeFile(path.join(dir, 'f'), 'x');
    expect(await whyUnwritable(path.join(dir, 'f'))).toEqual({
      reason: 'is a file, not a folder',
      at: path.join(dir, 'f'),
    });
    expect(await whyUnwritable(path.join(dir, 'f/a/b'))).toEqual({
      reason: 'is a file, not a folder',
      at: path.join(dir, 'f'),
    });
  });
});

describe('a read-only machine, in a real CLI process', () => {
  test('validate with HOME read-only stops before the build and smoke run, naming the state folder (exit 3)', async () => {
    const home = path.join(sandbox, 'home');
    const result = await cli(['validate', '--image', tiny], { readOnly: [await folder('home')] });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain(
      `the folder validations are recorded in, ${home}/.local/state/mercure-module-kit cannot be written: ${home} is on a read-only file system`,
    );
    expect(result.stderr).toMatch(/MERCURE_MODULE_STATE_DIR/);
    expect(result.stderr).not.toMatch(/smoke run/);
    expect(result.stderr).not.toMatch(noStack);
  });

  test('validate with TMPDIR read-only falls back to /tmp and says so', async () => {
    const tmp = await folder('tmp-ro');
    const result = await cli(['validate', '--image', tiny], {
      readOnly: [tmp],
      env: { MMK_TEST_TMPDIR: tmp, MERCURE_MODULE_STATE_DIR: await folder('state') },
    });
    expect(result.stderr).toContain(
      `the temp folder ${tmp} (TMPDIR) cannot be used: it is on a read-only file system; using /tmp instead`,
    );
    expect(result.stderr).toMatch(/smoke run of /);
    // The tiny module writes nothing: the run itself fails as the module's fault, never as ours.
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(noStack);
  });

  test('validate with TMPDIR unset and /tmp read-only stops before any work (exit 3)', async () => {
    const result = await cli(['validate', '--image', tiny], {
      readOnly: ['/tmp'],
      env: { MMK_TEST_TMPDIR: '', MERCURE_MODULE_STATE_DIR: await folder('state') },
    });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain(
      'no temp folder can be written: /tmp (TMPDIR) cannot be used: it is on a read-only file system',
    );
    expect(result.stderr).toMatch(/hint: Set TMPDIR to a writable folder/);
    expect(result.stderr).not.toMatch(/smoke run/);
    expect(result.stderr).not.toMatch(noStack);
  });

  test('fixtures in a read-only working folder: a clear error, exit 2, nothing written', async () => {
    const work = await folder('work-ro-fixtures');
    const result = await cli(['fixtures', 'case'], { readOnly: [work], cwd: work });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(`the input folder case cannot be written: ${work} is on a read-only file system`);
    expect(result.stderr).not.toMatch(noStack);
    expect(await readdir(work)).toEqual([]);
  });

  test('init in a read-only working folder: a clear error, exit 2, nothing written', async () => {
    const work = await folder('work-ro-init');
    const result = await cli(['init', 'blur', '--namespace', 'acme'], { readOnly: [work], cwd: work });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      `the module folder ${path.join(work, 'blur')} cannot be written: ${work} is on a read-only file system`,
    );
    expect(result.stderr).not.toMatch(noStack);
    expect(await readdir(work)).toEqual([]);
  });
});
