import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/pipeline/validate.js';
import { findValidation } from '../../src/pipeline/validation/validation-record.js';
import { baseArgs, EXAMPLE_MODULE, FIXTURE_MODULES } from '../support/images.js';

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'mmk-state-test-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('validate the working example module', () => {
  it('builds it, runs it as mercure does, passes, and records the image ID', async () => {
    const report = await validate({
      dir: EXAMPLE_MODULE,
      buildArgs: baseArgs('python'),
      settings: { radius: 2 },
      recordTo: stateDir,
    });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.smoke?.exitCode).toBe(0);
    const dicom = report.smoke?.outputs.filter((o) => o.kind === 'dicom') ?? [];
    // in/ holds N slices, N .tags sidecars and task.json; the module writes one file per slice.
    expect(dicom.length).toBeGreaterThan(0);
    expect(dicom.length).toBe(((report.smoke?.inputFiles ?? 0) - 1) / 2);
    expect(new Set(dicom.map((o) => o.seriesInstanceUid)).size).toBe(1);
    expect(report.smoke?.logTail.join('\n')).toContain('blur: radius 2');
    const record = await findValidation(report.image?.id ?? '', stateDir);
    expect(record?.imageId).toBe(report.image?.id);
  });

  it('passes at study level with several series', async () => {
    const report = await validate({
      dir: EXAMPLE_MODULE,
      buildArgs: baseArgs('python'),
      level: 'study',
      recordTo: false,
    });
    expect(report.ok).toBe(true);
    const series = new Set(report.smoke?.outputs.map((o) => o.seriesInstanceUid));
    expect(series.size).toBeGreaterThanOrEqual(2);
  });
});

/** Each smoke fixture breaks the contract in one way and must be caught by its own finding code. */
const SMOKE_CASES: [folder: string, code: string, timeout?: number][] = [
  ['smoke-exit-nonzero', 'exit-nonzero'],
  ['smoke-needs-root', 'needs-root'],
  ['smoke-needs-network', 'needs-network'],
  ['smoke-module-hung', 'module-hung', 3],
  ['smoke-output-empty', 'output-empty'],
  ['smoke-output-not-dicom', 'output-not-dicom'],
  ['smoke-output-naming', 'output-naming'],
  ['smoke-result-json-invalid', 'result-json-invalid'],
  ['smoke-output-unreadable', 'output-unreadable'],
  ['smoke-input-modified', 'input-modified'],
  ['smoke-output-not-chainable', 'output-not-chainable'],
  ['smoke-probe-no-cat', 'probe-no-cat'],
  ['smoke-routing-discard-string', 'routing-invalid'],
];

describe('broken modules', () => {
  it('has a test case for every smoke fixture folder', async () => {
    // The smoke-start-* fixtures (containers that cannot start) are test/contract/start-failures.test.ts's.
    const folders = (await readdir(FIXTURE_MODULES))
      .filter((f) => f.startsWith('smoke-') && !f.startsWith('smoke-start-'))
      .sort();
    expect(SMOKE_CASES.map(([folder]) => folder).sort()).toEqual(folders);
  });

  it.each(SMOKE_CASES)('%s fails with %s', async (folder, code, timeout) => {
    const report = await validate({
      dir: path.join(FIXTURE_MODULES, folder),
      buildArgs: baseArgs('busybox'),
      recordTo: stateDir,
      ...(timeout ? { timeoutSeconds: timeout } : {}),
    });
    expect(report.ok).toBe(false);
    const smokeErrors = (report.smoke?.findings ?? []).filter((f) => f.severity === 'error').map((f) => f.code);
    expect(smokeErrors).toContain(code);
    // The most specific diagnosis wins: a module that failed for lack of root is not also "exit-nonzero".
    if (code === 'needs-root' || code === 'needs-network') expect(smokeErrors).not.toContain('exit-nonzero');
    if (report.image) expect(await findValidation(report.image.id, stateDir)).toBeUndefined();
  });

  it('fails a module whose __mercure_routing says "discard": "false", naming the directive', async () => {
    const report = await validate({
      dir: path.join(FIXTURE_MODULES, 'smoke-routing-discard-string'),
      buildArgs: baseArgs('busybox'),
      recordTo: false,
    });
    expect(report.ok).toBe(false);
    const routing = report.findings.find((f) => f.code === 'routing-invalid');
    expect(routing?.message).toMatch(/__mercure_routing "discard" is a string \("false"\).*DISCARD/);
  });

  it('shows the log tail of a failing module', async () => {
    const report = await validate({
      dir: path.join(FIXTURE_MODULES, 'smoke-exit-nonzero'),
      buildArgs: baseArgs('busybox'),
      recordTo: false,
    });
    expect(report.smoke?.exitCode).toBe(3);
    expect(report.smoke?.logTail.join('\n')).toContain('ValueError: no series of the expected kind');
  });
});

describe('MONAI application packages', () => {
  it('runs the manifest command as root, as mercure does when its probe finds /etc/monai/app.json', async () => {
    const report = await validate({
      dir: path.join(FIXTURE_MODULES, 'monai-package'),
      buildArgs: baseArgs('busybox'),
      recordTo: false,
    });
    expect(report.smoke?.monaiPackage).toBe(true);
    expect(report.ok).toBe(true);
    expect(report.smoke?.logTail.join('\n')).toContain('monai app: copied 12 files');
  });
});
