import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRoot, writeActionReport } from '../../src/action/report-file.js';
import { artifactsUrl, writeSummary } from '../../src/action/summary.js';
import type { ValidationReport } from '../../src/pipeline/validate.js';

// The Action's side of the HTML report, in process: the page goes under RUNNER_TEMP in a folder
// of its own, and the job summary says where it is and how to attach it to the run.
let temp: string;
const RUN_ENV = ['RUNNER_TEMP', 'GITHUB_STEP_SUMMARY', 'GITHUB_SERVER_URL', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID'];
const saved = Object.fromEntries(RUN_ENV.map((key) => [key, process.env[key]]));

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'mmk-action-report-'));
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await rm(temp, { recursive: true, force: true });
});

const failed: ValidationReport = {
  ok: false,
  dir: 'modules/<b>blur</b>',
  findings: [
    {
      code: 'exit-nonzero',
      severity: 'error',
      file: 'acme/blur',
      message: 'the module exited with 1: <script>alert(1)</script>',
      hint: 'Read the log tail.',
    },
  ],
  counts: { errors: 1, warnings: 0 },
};

describe('the HTML report on a runner', () => {
  it('is written under RUNNER_TEMP, one folder per step, and linked from the job summary', async () => {
    expect(reportRoot({})).toBeUndefined();
    expect(reportRoot({ RUNNER_TEMP: temp })).toBe(temp);
    const first = await writeActionReport(failed, temp);
    const second = await writeActionReport(failed, temp);
    expect(path.dirname(path.dirname(first))).toBe(temp);
    expect(path.dirname(first)).not.toBe(path.dirname(second));
    const html = await readFile(first, 'utf8');
    expect(html).toContain('✗ failed');
    expect(html).toContain('the module exited with 1: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');

    const summary = path.join(temp, 'summary.md');
    await writeFile(summary, '');
    process.env['GITHUB_STEP_SUMMARY'] = summary;
    Object.assign(process.env, {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/mercure-blur',
      GITHUB_RUN_ID: '4711',
    });
    await writeSummary({
      command: 'validate',
      subject: 'modules/blur',
      ok: false,
      tags: [],
      skipped: [],
      dryRun: false,
      validation: failed,
      report: failed,
      reportFile: first,
    });
    const written = await readFile(summary, 'utf8');
    expect(written).toContain(`<code>${first}</code>`);
    expect(written).toContain('actions/upload-artifact');
    expect(written).toContain('outputs.report-file');
    expect(written).toContain('<a href="https://github.com/acme/mercure-blur/actions/runs/4711#artifacts">');
    expect(artifactsUrl({ GITHUB_SERVER_URL: 'https://github.com' })).toBeUndefined();
  });
});
