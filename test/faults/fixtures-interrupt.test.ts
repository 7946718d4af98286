// SIGINT while `fixtures` writes a big synthetic case, in a real CLI process: it exits 130, says
// that the partial folder was removed, and nothing of it stays (a new folder goes whole; an empty
// folder the user made stays, emptied). Before, a complete-looking partial folder was left.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/images.js';

const ENTRY = path.join(REPO_ROOT, 'test/faults/cli-entry.ts');
let sandbox: string;

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'mmk-fixtures-int-'));
});
afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

/** Polls until `check` holds (at most `ms`). */
async function until(check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const entries = (dir: string) => readdir(dir).catch(() => undefined);

describe('SIGINT during fixtures', () => {
  test.each([
    ['a new folder is removed whole', false],
    ['an empty folder the user made is emptied and kept', true],
  ])('%s', async (_name, made) => {
    const out = path.join(sandbox, made ? 'made' : 'new');
    if (made) await mkdir(out);
    // 600 slices of 512x512: long enough to be caught half-way on any machine.
    const child = execa(
      process.execPath,
      ['--import', 'tsx', ENTRY, 'fixtures', out, '--slices', '600', '--matrix', '512'],
      {
        cwd: REPO_ROOT,
        reject: false,
        stdin: 'ignore',
        timeout: 300_000,
      },
    );
    await until(async () => ((await entries(out))?.length ?? 0) > 0);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toContain(`interrupted: the partial input folder ${out} was removed`);
    expect(result.stdout).not.toMatch(/wrote \d+ DICOM file/);
    expect(await entries(out)).toEqual(made ? [] : undefined);
  });
});
