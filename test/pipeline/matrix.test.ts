// validate --matrix on the real engine: the working module passes every variant (quick and full),
// a module that reads SeriesDescription without a default fails on exactly the variant without one
// (and on the user's own file without one, as the same cause), and a declared scope skips what it
// excludes. Then the pure parts: the scope manifest and the grouping of failures by cause.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMatrix, type MatrixReport } from '../../src/pipeline/matrix.js';
import { firstErrorLine, normaliseLine } from '../../src/pipeline/matrix/causes.js';
import { outOfScope, parseModuleScope, type ModuleScope } from '../../src/pipeline/matrix/module-scope.js';
import { findValidation } from '../../src/pipeline/validation/validation-record.js';
import { silentLogger } from '../../src/logger.js';
import { VARIANTS, findSamples, variantsOf, type FolderTraits } from '../../src/mercure/variants/index.js';
import { runCli } from '../cli/run-cli.js';
import { baseArgs, EXAMPLE_MODULE, FIXTURE_MODULES } from '../support/images.js';

const NEEDS_DESCRIPTION = path.join(FIXTURE_MODULES, 'matrix-needs-series-description');
const CT_ONLY = path.join(FIXTURE_MODULES, 'matrix-ct-only');
const LONG = { timeout: 900_000 };
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-matrix-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const byStatus = (report: MatrixReport, status: 'passed' | 'failed' | 'skipped') =>
  report.variants.filter((v) => v.status === status).map((v) => v.name);

describe('the working example module (examples/blur)', () => {
  it('passes every variant of the quick matrix, and the image is recorded as validated', LONG, async () => {
    const state = path.join(root, 'state');
    const report = await runMatrix({
      dir: EXAMPLE_MODULE,
      buildArgs: baseArgs('python'),
      tier: 'quick',
      recordTo: state,
    });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.variants.map((v) => [v.name, v.status, v.findings])).toEqual(
      ['baseline', ...variantsOf('quick').map((v) => v.name)].map((n) => [n, 'passed', []]),
    );
    expect(report.ok).toBe(true);
    for (const v of report.variants) expect(v.smoke?.outputFiles, v.name).toBeGreaterThan(0);
    expect(report.timing.containerMs).toBeGreaterThan(0);
    expect(report.timing.containerMs).toBeLessThan(report.timing.wallMs);
    expect((await findValidation(report.image?.id ?? '', state))?.conditions).toMatchObject({
      matrix: 'quick',
      variants: 7,
    });
  });

  it('passes every variant of the full matrix', LONG, async () => {
    const report = await runMatrix({
      dir: EXAMPLE_MODULE,
      buildArgs: baseArgs('python'),
      tier: 'full',
      longSeriesSlices: 120,
      recordTo: false,
    });
    expect(
      report.variants.filter((v) => v.status !== 'passed').map((v) => [v.name, v.findings, v.smoke?.logTail]),
    ).toEqual([]);
    expect(report.variants).toHaveLength(VARIANTS.length + 1);
    expect(report.ok).toBe(true);
    expect(report.variants.find((v) => v.name === 'long-series')?.smoke?.inputFiles).toBe(2 * 120 + 1);
  });
});

describe('an interrupted matrix', () => {
  it('stops the running module, runs nothing after it and reports the rest as not run', LONG, async () => {
    const controller = new AbortController();
    const logger = {
      ...silentLogger,
      step(title: string) {
        // Abort while the second variant's module runs.
        if (title.endsWith(' on big-endian')) setTimeout(() => controller.abort(), 100);
        return { done() {} };
      },
    };
    const report = await runMatrix({
      dir: EXAMPLE_MODULE,
      buildArgs: baseArgs('python'),
      tier: 'quick',
      recordTo: false,
      signal: controller.signal,
      logger,
    });
    expect(report.interrupted).toBe(true);
    expect(report.ok).toBe(false);
    expect(byStatus(report, 'passed')).toEqual(['baseline', 'missing-series-description']);
    expect(report.variants.slice(2).map((v) => [v.name, v.reason])).toEqual(
      ['big-endian', 'compressed-jpeg2000', 'multiframe-enhanced-ct', 'rgb', 'study-mixed'].map((n, i) => [
        n,
        i === 0 ? 'interrupted while running' : 'not run: interrupted',
      ]),
    );
  });
});

describe('a module that reads SeriesDescription without a default', () => {
  it(
    "fails the quick matrix on exactly that variant and on the user's own such file, as one cause with the log tail",
    LONG,
    async () => {
      const samples = await findSamples();
      const source = path.join(root, 'source');
      await mkdir(path.join(source, 'ct-no-description'), { recursive: true });
      await mkdir(path.join(source, 'ct-study'), { recursive: true });
      await copyFile(
        path.join(samples.root, 'test_files/CT_small.dcm'),
        path.join(source, 'ct-no-description', 'IM0001'),
      );
      for (const file of ['CT5N/2062', 'CT5N/2392', 'CT2N/6293']) {
        await copyFile(
          path.join(samples.root, 'test_files/dicomdirtests/98892001', file),
          path.join(source, 'ct-study', file.replace('/', '-')),
        );
      }
      const report = await runMatrix({
        dir: NEEDS_DESCRIPTION,
        buildArgs: baseArgs('python'),
        tier: 'quick',
        source,
        recordTo: false,
      });
      expect(byStatus(report, 'failed')).toEqual(['missing-series-description', 'user:ct-no-description']);
      expect(byStatus(report, 'passed')).toEqual([
        'baseline',
        'big-endian',
        'compressed-jpeg2000',
        'multiframe-enhanced-ct',
        'rgb',
        'study-mixed',
        'user:ct-study',
      ]);
      expect(report.variants.find((v) => v.name === 'user:ct-study')?.level).toBe('study');
      expect(report.causes).toHaveLength(1);
      const [cause] = report.causes;
      expect(cause?.code).toBe('exit-nonzero');
      expect(cause?.line).toBe(
        "AttributeError: 'FileDataset' object has no attribute 'SeriesDescription'. Did you mean: 'StudyDescription'?",
      );
      expect(cause?.variants).toEqual(['missing-series-description', 'user:ct-no-description']);
      expect(cause?.logTail.join('\n')).toContain('ds.SeriesDescription');
      expect(report.ok).toBe(false);
    },
  );

  it('fails the full matrix on exactly that variant', LONG, async () => {
    const report = await runMatrix({
      dir: NEEDS_DESCRIPTION,
      buildArgs: baseArgs('python'),
      tier: 'full',
      longSeriesSlices: 40,
      recordTo: false,
    });
    expect(byStatus(report, 'failed')).toEqual(['missing-series-description']);
    expect(report.counts).toEqual({ passed: VARIANTS.length, failed: 1, skipped: 0 });
  });

  it('exits 1 from the CLI and shows the cause, the log tail and how to reproduce it', LONG, async () => {
    const result = await runCli([
      'validate',
      NEEDS_DESCRIPTION,
      '--build-arg',
      `BASE_IMAGE=${baseArgs('python')['BASE_IMAGE']}`,
      '--matrix',
      'quick',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ missing-series-description +real +series .*cause 1/);
    expect(result.stdout).toContain(
      "1. exit-nonzero  AttributeError: 'FileDataset' object has no attribute 'SeriesDescription'",
    );
    expect(result.stdout).toContain('| ');
    expect(result.stdout).toContain('mercure-module fixtures ./case --variant missing-series-description');
    expect(result.stdout).toContain('✗ failed: 1 of 7 variant(s) failed (1 cause(s))');
  });
});

describe('a declared scope (mercure-module.json)', () => {
  const OUTSIDE = ['big-endian', 'compressed-jpeg2000', 'multiframe-enhanced-ct', 'rgb', 'study-mixed'];

  it('skips the variants it excludes, with the reason, and passes (CLI, --json)', LONG, async () => {
    const result = await runCli([
      'validate',
      CT_ONLY,
      '--build-arg',
      `BASE_IMAGE=${baseArgs('python')['BASE_IMAGE']}`,
      '--matrix',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as MatrixReport;
    expect(byStatus(report, 'passed')).toEqual(['baseline', 'missing-series-description']);
    expect(byStatus(report, 'skipped')).toEqual(OUTSIDE);
    const reasons = Object.fromEntries(
      report.variants.filter((v) => v.status === 'skipped').map((v) => [v.name, v.reason]),
    );
    expect(reasons).toEqual({
      'big-endian': 'out of the declared scope: modality MR (accepts CT)',
      'compressed-jpeg2000': 'out of the declared scope: transfer syntax 1.2.840.10008.1.2.4.91 (accepts uncompressed)',
      'multiframe-enhanced-ct': 'out of the declared scope: multi-frame files',
      rgb: 'out of the declared scope: modality OT (accepts CT); colour images',
      'study-mixed': 'out of the declared scope: modality CR, MR, SR (accepts CT); non-image objects',
    });
  });

  it('fails exactly those variants when the scope admits everything', LONG, async () => {
    const everything = path.join(root, 'accepts-everything.json');
    await writeFile(everything, JSON.stringify({ accepts: {} }));
    const report = await runMatrix({
      dir: CT_ONLY,
      buildArgs: baseArgs('python'),
      tier: 'quick',
      scopeFile: everything,
      recordTo: false,
    });
    expect(byStatus(report, 'failed')).toEqual(OUTSIDE);
    expect(report.causes.every((c) => c.code === 'exit-nonzero' && c.line.startsWith('ValueError: '))).toBe(true);
  });
});

describe('the scope manifest', () => {
  const TRAITS: FolderTraits = {
    modalities: ['CT'],
    transferSyntaxes: ['1.2.840.10008.1.2.1'],
    multiframe: false,
    color: false,
    nonImage: false,
  };
  const ROWS: [
    name: string,
    scope: ModuleScope | undefined,
    traits: Partial<FolderTraits>,
    reason: string | undefined,
  ][] = [
    ['scope01 no manifest', undefined, { modalities: ['MR'], color: true }, undefined],
    ['scope02 empty accepts', {}, { modalities: ['MR'], multiframe: true }, undefined],
    ['scope03 modality in', { modalities: ['CT', 'MR'] }, {}, undefined],
    ['scope04 modality out', { modalities: ['CT'] }, { modalities: ['CT', 'SR'] }, 'modality SR (accepts CT)'],
    [
      'scope05 uncompressed in (big endian)',
      { transferSyntaxes: 'uncompressed' },
      { transferSyntaxes: ['1.2.840.10008.1.2.2'] },
      undefined,
    ],
    [
      'scope06 uncompressed out',
      { transferSyntaxes: 'uncompressed' },
      { transferSyntaxes: ['1.2.840.10008.1.2.5'] },
      'transfer syntax 1.2.840.10008.1.2.5 (accepts uncompressed)',
    ],
    [
      'scope07 listed syntaxes',
      { transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.4.90'] },
      { transferSyntaxes: ['1.2.840.10008.1.2.4.90'] },
      undefined,
    ],
    ['scope08 any syntax', { transferSyntaxes: 'any' }, { transferSyntaxes: ['1.2.840.10008.1.2.4.50'] }, undefined],
    ['scope09 no multi-frame', { multiframe: false }, { multiframe: true }, 'multi-frame files'],
    ['scope10 multi-frame allowed', { multiframe: true }, { multiframe: true }, undefined],
    [
      'scope11 no colour, no non-image',
      { color: false, nonImage: false },
      { color: true, nonImage: true },
      'colour images; non-image objects',
    ],
  ];
  it.each(ROWS)('%s', (_name, scope, traits, reason) => {
    expect(outOfScope(scope, { ...TRAITS, ...traits })).toBe(
      reason === undefined ? undefined : `out of the declared scope: ${reason}`,
    );
  });

  const BAD: [value: unknown, message: RegExp][] = [
    [[], /expected an object with an "accepts" object/],
    [{ accept: {} }, /expected an object with an "accepts" object/],
    [{ accepts: { modality: ['CT'] } }, /unknown field "accepts.modality"/],
    [{ accepts: { modalities: 'CT' } }, /"accepts.modalities" must be a list/],
    [
      { accepts: { transferSyntaxes: 'compressed' } },
      /"accepts.transferSyntaxes" must be "any", "uncompressed" or a list/,
    ],
    [{ accepts: { color: 'no' } }, /"accepts.color" must be true or false, got "no"/],
  ];
  it.each(BAD)('refuses %j', (value, message) => {
    expect(() => parseModuleScope(value)).toThrow(message);
  });

  it('reads modalities case-insensitively', () => {
    expect(parseModuleScope({ accepts: { modalities: ['ct'], nonImage: false } })).toEqual({
      modalities: ['CT'],
      nonImage: false,
    });
  });
});

describe('failure causes', () => {
  const LOGS: [name: string, log: string[], line: string | undefined][] = [
    [
      'python traceback',
      [
        '2025-01-01T00:00:00.1Z Traceback (most recent call last):',
        '2025-01-01T00:00:00.1Z   File "/app/m.py", line 3',
        "2025-01-01T00:00:00.1Z KeyError: 'SeriesDescription'",
      ],
      "KeyError: 'SeriesDescription'",
    ],
    [
      'dotted exception',
      ['pydicom.errors.InvalidDicomError: File is missing DICOM File Meta'],
      'pydicom.errors.InvalidDicomError: File is missing DICOM File Meta',
    ],
    [
      'an error word',
      ['reading 12 files', 'ERROR: cannot open /tmp/data/x.dcm', 'bye'],
      'ERROR: cannot open /tmp/data/x.dcm',
    ],
    ['no error line: the last line', ['reading', 'Killed'], 'Killed'],
    ['empty log', [], undefined],
  ];
  it.each(LOGS)('first error line: %s', (_name, log, line) => {
    expect(firstErrorLine(log)).toBe(line);
  });

  it('normalises what differs between variants', () => {
    expect(normaliseLine('ValueError: /tmp/data/1.2.826.0.1.3680043#CT.X.1.2.3.4.5.dcm: shape (3, 64, 64)')).toBe(
      'ValueError: <path>: shape (N, N, N)',
    );
    expect(normaliseLine('IndexError: index 16 is out of bounds for axis 0 with size 16')).toBe(
      normaliseLine('IndexError: index 512 is out of bounds for axis 0 with size 512'),
    );
  });
});
