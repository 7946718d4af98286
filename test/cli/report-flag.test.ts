// `--report FILE.html` through the CLI: a bad path is refused before anything is built, the matrix
// refuses it, and a failed validation still writes its page (that is when it is read).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGES, FIXTURE_MODULES } from '../support/images.js';
import { runCli } from './run-cli.js';

const EMPTY_OUTPUT = path.join(FIXTURE_MODULES, 'smoke-output-empty');
const BASE = ['--build-arg', `BASE_IMAGE=${BASE_IMAGES.busybox}`];
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-report-flag-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('validate --report', () => {
  it('refuses a folder, or a path under a file, before anything runs (exit 2)', async () => {
    const folder = await runCli(['validate', EMPTY_OUTPUT, ...BASE, '--report', work]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`--report ${work} is a folder: give a file name such as report.html`);
    expect(folder.stderr).not.toContain('building');
    const file = path.join(work, 'a-file');
    await writeFile(file, '');
    const under = await runCli(['validate', EMPTY_OUTPUT, ...BASE, '--report', path.join(file, 'report.html')]);
    expect(under.code).toBe(2);
    expect(under.stderr).toContain(`${file} is not a folder`);
  });

  it('is refused with --matrix, which validates many variants', async () => {
    const result = await runCli(['validate', EMPTY_OUTPUT, ...BASE, '--matrix', '--report', 'r.html']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--report draws one validation: leave out --matrix, or --report');
  });

  it('writes the page of a failed validation, its parent folders created, and says where', async () => {
    const file = path.join(work, 'new/folder/report.html');
    const result = await runCli(['validate', EMPTY_OUTPUT, ...BASE, '--timeout', '60', '--report', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`HTML report written to ${file}`);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('✗ failed');
    expect(html).toContain('<code>output-empty</code>');
    expect(html).toContain('The module wrote no DICOM series.');
    // Written whole or not at all: no temporary file is left beside it.
    expect(await readdir(path.dirname(file))).toEqual(['report.html']);
  });
});
