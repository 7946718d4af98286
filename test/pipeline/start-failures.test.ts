import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_LABEL } from '../../src/engine/containers.js';
import { runCli } from '../cli/run-cli.js';
import { BASE_IMAGES, FIXTURE_MODULES } from '../support/images.js';

const docker = new Docker();
// A temp root of this file's own, so that other files' case folders do not count as ours.
let tempRoot: string;
beforeAll(async () => {
  tempRoot = await mkdtemp(path.join(os.tmpdir(), 'mmk-start-failures-'));
});
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

/** Each start-failure fixture fails in one way a container can fail to start, with its own code. */
const START_CASES: [folder: string, code: string, says: RegExp][] = [
  ['smoke-start-not-executable', 'start-not-executable', /\/app\/docker-entrypoint\.sh is not executable/],
  ['smoke-start-entry-missing', 'start-entry-missing', /\.\/docker-entrypoint\.sh does not exist in the image/],
  ['smoke-start-interpreter-missing', 'start-interpreter-missing', /asks for the interpreter \/bin\/bash/],
  ['smoke-start-entry-crlf', 'start-entry-crlf', /CRLF line endings make the interpreter "\/bin\/sh\\r"/],
  ['smoke-start-exec-format', 'start-exec-format', /built for arm64, and this engine runs amd64/],
  ['smoke-start-user-unknown', 'start-user-unknown', /USER mercure is not defined/],
  ['smoke-start-workdir', 'start-workdir', /working directory \/app cannot be entered/],
];

async function ourContainers(): Promise<number> {
  const mine = await docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${process.pid}`] } });
  return mine.length;
}

describe('container start failures', () => {
  it('has a case for every start-failure fixture folder', async () => {
    const folders = (await readdir(FIXTURE_MODULES)).filter((f) => f.startsWith('smoke-start-')).sort();
    expect(START_CASES.map(([folder]) => folder).sort()).toEqual(folders);
  });

  it.each(START_CASES)(
    '%s: validate exits 1 with %s, no stack trace, nothing left behind',
    async (folder, code, says) => {
      const result = await runCli(
        ['validate', path.join(FIXTURE_MODULES, folder), '--build-arg', `BASE_IMAGE=${BASE_IMAGES.busybox}`, '--json'],
        { TMPDIR: tempRoot },
      );
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      const report = JSON.parse(result.stdout) as {
        smoke?: { findings: { code: string; message: string; hint: string }[] };
      };
      const start = (report.smoke?.findings ?? []).filter((f) => f.code.startsWith('start-'));
      expect(start.map((f) => f.code)).toEqual([code]);
      expect(start[0]?.message).toMatch(says);
      // The runtime's own words are quoted, and the hint says what to do.
      expect(start[0]?.message).toContain('the runtime said:');
      expect(start[0]?.hint.length).toBeGreaterThan(20);
      expect(await ourContainers()).toBe(0);
      expect(await readdir(tempRoot)).toEqual([]);
    },
  );
});
