import { mkdtemp, stat } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { hasErrors, sortFindings, type Finding } from '../contract/finding.js';
import { checkTimeoutSeconds } from '../contract/smoke.js';
import { resolveModuleRun, smokeRunOptions } from './validation/module-run.js';
import { connectEngine } from '../engine/connect.js';
import { ModuleError } from '../errors.js';
import {
  DEFAULT_LONG_SERIES_SLICES,
  findSamples,
  folderTraits,
  userVariants,
  variantsOf,
  writeVariant,
  type Variant,
  type VariantTier,
} from '../mercure/variants/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { prepareCase } from './validation/case.js';
import { loadModuleScope, type ModuleScope } from './matrix/module-scope.js';
import { buildForValidation, staticChecks } from './image/module-image.js';
import { imageIdOf } from '../engine/image-id.js';
import type { ValidateOptions } from './validate.js';
import { groupCauses, type FailureCause } from './matrix/causes.js';
import { VariantSchedule } from './matrix/schedule.js';
import { runVariants, skipped } from './matrix/variant-loop.js';
import type { VariantOutcome } from './matrix/outcome.js';

export type { FailureCause } from './matrix/causes.js';
export type { VariantOutcome } from './matrix/outcome.js';
import { recordValidation, requireRecordable, stateDir } from './validation/validation-record.js';
import { tempFolderPrefix, tempRoot } from '../local/index.js';
import { sweepLeftovers } from './validation/leftovers.js';

/** Options of `validate --matrix`: those of validate (--fixtures and --level shape the baseline case), plus the matrix's. */
export interface MatrixOptions extends ValidateOptions {
  tier: VariantTier;
  /** A folder whose subfolders are the user's own variants (--matrix-source). */
  source?: string;
  /** Slices of the long-series variant (default 300). */
  longSeriesSlices?: number;
  /** The scope manifest (default: DIR/mercure-module.json). */
  scopeFile?: string;
  /** pydicom's data folder with the real samples (default: found, see findSamples). */
  samplesDir?: string;
}

/** Everything `validate --matrix` found: the repository findings, one outcome per variant, the causes. */
export interface MatrixReport {
  ok: boolean;
  tier: VariantTier;
  dir?: string;
  image?: { ref: string; id: string };
  scope?: ModuleScope;
  /** Static checks and the build (the variants' own findings are in their outcomes). */
  findings: Finding[];
  build?: { imageId?: string; logTail: string[] };
  variants: VariantOutcome[];
  causes: FailureCause[];
  counts: { passed: number; failed: number; skipped: number };
  /** Wall time of the whole matrix, and the part of it the module's own containers ran. */
  timing: { wallMs: number; containerMs: number };
  interrupted: boolean;
}

/**
 * Static checks and a build once, then a smoke run per variant exactly as mercure runs the image:
 * the baseline case of a plain validate first, then the tier's variants and the user's own.
 * Variants outside the module's declared scope are skipped, not run. Records the image ID only
 * when every variant in scope passed.
 */
export async function runMatrix(options: MatrixOptions): Promise<MatrixReport> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const dir = options.dir ?? (options.image ? undefined : '.');
  const timeoutSeconds = checkTimeoutSeconds(options.timeoutSeconds);
  const longSeriesSlices = options.longSeriesSlices ?? DEFAULT_LONG_SERIES_SLICES;
  // Everything that can be wrong with the input is found before anything is built.
  for (const [folder, what] of [
    [dir, 'module folder'],
    [options.fixtures, '--fixtures folder'],
  ] as const) {
    if (folder !== undefined && !(await stat(folder).catch(() => undefined))?.isDirectory())
      throw new ModuleError('no-such-folder', `${what} ${folder} is not a folder`);
  }
  const samples = await findSamples(options.samplesDir);
  const scope = await loadModuleScope({
    ...(options.scopeFile ? { file: options.scopeFile } : {}),
    ...(dir !== undefined ? { dir } : {}),
  });
  const variants: Variant[] = [
    baselineVariant(options),
    ...variantsOf(options.tier),
    ...(options.source ? await userVariants(options.source) : []),
  ];

  const report: MatrixReport = {
    ok: false,
    tier: options.tier,
    findings: [],
    variants: [],
    causes: [],
    counts: { passed: 0, failed: 0, skipped: 0 },
    timing: { wallMs: 0, containerMs: 0 },
    interrupted: false,
    ...(dir !== undefined ? { dir } : {}),
    ...(scope ? { scope } : {}),
  };
  // The module's configuration is checked before anything is built; so is this machine.
  const moduleRun = await resolveModuleRun(options);
  await tempRoot(logger);
  if (options.recordTo !== false) await requireRecordable(options.recordTo ?? stateDir());
  const docker = await connectEngine(options.docker ? { docker: options.docker } : {});
  await sweepLeftovers(docker, logger);
  const imageRef = await staticAndBuild(docker, dir, options, report, logger);
  if (imageRef === undefined) {
    report.variants = variants.map((v) => skipped(v, 'not run: there is no image to run'));
    return finish(report, started);
  }
  const imageId = await imageIdOf(docker, imageRef);
  report.image = { ref: imageRef, id: imageId };
  const shown = imageRef === imageId ? imageId.slice(0, 19) : imageRef;
  const now = options.now?.() ?? new Date();
  const ctx = { samples, now, longSeriesSlices };
  const caseOptions = { moduleName: 'module-under-test', dockerTag: imageRef, settings: options.settings ?? {}, now };

  const stage = await mkdtemp(tempFolderPrefix(await tempRoot(logger), 'case-matrix'));
  const write = (i: number, folder: string) => writeCase(variants[i] as Variant, folder, caseOptions, ctx);
  const schedule = new VariantSchedule(stage, variants.length, write, folderTraits);
  const smoke = smokeRunOptions(imageId, moduleRun, options, timeoutSeconds, logger);
  const outcomes = await runVariants(
    { docker, variants, scope, schedule, smoke, shown, report, logger },
    options.signal,
  );
  report.variants = outcomes;
  finish(report, started);
  if (report.ok && options.recordTo !== false) {
    await recordValidation(
      {
        imageId,
        image: imageRef,
        validatedAt: now.toISOString(),
        conditions: {
          level: options.level ?? 'series',
          fixtures: options.fixtures ? path.resolve(options.fixtures) : 'synthetic',
          matrix: options.tier,
          variants: report.counts.passed,
          requiresRoot: options.requiresRoot ?? false,
          network: options.network ?? false,
        },
      },
      options.recordTo ?? stateDir(),
    );
  }
  return report;
}

/** The name of the case a plain validate runs, first in every matrix. */
const BASELINE = 'baseline';

/** The case a plain validate runs (synthetic CT, or --fixtures), so that the matrix covers it too. */
function baselineVariant(options: MatrixOptions): Variant {
  const info = {
    name: BASELINE,
    tier: 'quick' as const,
    level: options.level ?? 'series',
    exercises: 'the case a plain validate runs',
  };
  if (options.fixtures !== undefined)
    return { ...info, source: 'user', from: options.fixtures, description: `your --fixtures ${options.fixtures}` };
  // Written by prepareCase like a plain validate's case, so `build` is never called.
  return {
    ...info,
    source: 'synthetic',
    description: 'the synthetic CT series of a plain validate (study level: CT and MR)',
    build: () => Promise.resolve([]),
  };
}

/** Writes a variant's case into `folder`: a user's case or the baseline as validate writes it, else the variant's series. */
function writeCase(
  variant: Variant,
  folder: string,
  caseOptions: { moduleName: string; dockerTag: string; settings: Record<string, unknown>; now: Date },
  ctx: Parameters<typeof writeVariant>[2],
): Promise<unknown> {
  const { settings, dockerTag, now } = caseOptions;
  if (variant.source === 'user')
    return prepareCase(folder, { level: variant.level, settings, dockerTag, now, fixtures: variant.from });
  if (variant.name === BASELINE) return prepareCase(folder, { level: variant.level, settings, dockerTag, now });
  return writeVariant(variant, { ...caseOptions, dir: folder }, ctx);
}

/** Counts, causes and the verdict: ok only when the repository has no errors and no variant failed. */
function finish(report: MatrixReport, started: number): MatrixReport {
  report.findings = sortFindings(report.findings);
  const count = (s: VariantOutcome['status']) => report.variants.filter((v) => v.status === s).length;
  report.counts = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  const grouped = groupCauses(report.variants);
  report.causes = grouped.causes;
  report.variants = report.variants.map((outcome, i) => {
    const cause = grouped.causeOf[i];
    return cause === undefined ? outcome : { ...outcome, cause };
  });
  report.timing.wallMs = Date.now() - started;
  report.ok =
    !hasErrors(report.findings) &&
    report.image !== undefined &&
    report.counts.failed === 0 &&
    report.counts.passed > 0 &&
    !report.interrupted;
  return report;
}

/** The static checks of DIR and the build (or the given --image): the image reference to run, if any. */
async function staticAndBuild(
  docker: Docker,
  dir: string | undefined,
  options: MatrixOptions,
  report: MatrixReport,
  logger: Logger,
): Promise<string | undefined> {
  if (dir !== undefined) report.findings.push(...(await staticChecks(dir, options, logger)));
  if (options.image !== undefined) return options.image;
  if (dir === undefined) throw new ModuleError('no-image', 'nothing to validate: give a module folder or --image');
  if (report.findings.some((f) => f.code === 'no-dockerfile' || f.code === 'dockerfile-syntax')) return undefined;
  return buildForValidation(docker, dir, options, report, logger);
}
