import { stat } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { hasErrors, sortFindings, type Finding } from '../contract/finding.js';
import { checkTimeoutSeconds, smokeRun, type SmokeOptions, type SmokeRun } from '../contract/smoke.js';
import type { BuildSettings } from '../engine/build.js';
import { connectEngine } from '../engine/connect.js';
import { seriesPreviews, type SeriesPreview } from './validation/previews.js';
import { ModuleError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { prepareCase, type CaseSource } from './validation/case.js';
import { buildForValidation, staticChecks } from './image/module-image.js';
import { imageIdOf } from '../engine/image-id.js';
import { resolveModuleRun, smokeRunOptions, type ModuleRunOptions } from './validation/module-run.js';
import { recordValidation, requireRecordable, stateDir } from './validation/validation-record.js';
import { tempRoot } from '../local/index.js';
import {
  checkImagePlatform,
  execFormatMeansSkipped,
  smokeSkipped,
  type PlatformOptions,
} from './validation/image-platform.js';
import { formatPlatform } from '../registry/platform.js';
import { sweepLeftovers } from './validation/leftovers.js';

/** Options of `mercure-module validate`; each mirrors a CLI option of the same name. */
export interface ValidateOptions extends ModuleRunOptions, BuildSettings, PlatformOptions {
  /** The module folder: statically checked, and built when no image is given. */
  dir?: string;
  /** Run this image instead of building `dir`. */
  image?: string;
  /** Seconds before a hung module is killed (default 600). */
  timeoutSeconds?: number;
  /** A mercure input folder, or a folder of DICOM files to turn into one. */
  fixtures?: string;
  /** The module's settings, as the rule's processing settings (task.json process.settings); a BigInt is written as that exact int. */
  settings?: Record<string, unknown>;
  level?: 'series' | 'study';
  requiresRoot?: boolean;
  /** The module's network at run time (mercure's network_enabled); the build's is buildNetwork. */
  network?: boolean;
  /** Configured image name, for the Makefile check. */
  imageName?: string;
  /**
   * Draw each output series' middle slice beside its input slice (report.previews) for the HTML
   * report (report/html writeHtmlReport); the pictures stay out of the report's JSON.
   */
  previews?: boolean;
  /** Where to record a passing validation (default: the user's state folder); false to skip. */
  recordTo?: string | false;
  logger?: Logger;
  signal?: AbortSignal;
  docker?: Docker;
  now?: () => Date;
}

/** Everything validate found, for the terminal, --json and the Action's summary. */
export interface ValidationReport {
  ok: boolean;
  dir?: string;
  image?: { ref: string; id: string };
  findings: Finding[];
  build?: { imageId?: string; logTail: string[] };
  smoke?: SmokeRun;
  /** The image's platform (`linux/arm64`). */
  platform?: string;
  /** Why the smoke run was skipped: this engine cannot run the image's platform (no emulator). */
  smokeSkipped?: string;
  counts: { errors: number; warnings: number };
  /** With `previews`: the output series beside their input, as PNG data URIs (not enumerable: kept out of JSON). */
  previews?: SeriesPreview[];
  /** With `previews`: why there are none, when there are none. */
  previewNote?: string;
}

/**
 * Static checks of the module folder, then (unless the static checks make a build pointless) a
 * build and a smoke run exactly as mercure runs the image. Records the image ID when it passes.
 */
export async function validate(options: ValidateOptions): Promise<ValidationReport> {
  if (!options.previews) return run(options, undefined);
  let previews: SeriesPreview[] | undefined;
  let previewNote: string | undefined;
  const report = await run(options, async ({ inDir, outDir }) => {
    try {
      previews = await seriesPreviews(inDir, outDir);
    } catch (error) {
      // The pictures are a view of the run, not part of its verdict: say why they are missing.
      previewNote = `the case folders could not be read for previews: ${(error as Error).message}`;
    }
  });
  if (!report.smoke) previewNote = 'The module was not run, so there is nothing to show.';
  Object.defineProperty(report, 'previews', { value: previews ?? [], enumerable: false });
  if (previewNote !== undefined) report.previewNote = previewNote;
  return report;
}

async function run(options: ValidateOptions, inspectCase: SmokeOptions['inspectCase']): Promise<ValidationReport> {
  const logger = options.logger ?? silentLogger;
  const dir = options.dir ?? (options.image ? undefined : '.');
  if (dir !== undefined) await requireFolder(dir, 'module folder');
  if (options.fixtures !== undefined) await requireFolder(options.fixtures, '--fixtures folder');
  const timeoutSeconds = checkTimeoutSeconds(options.timeoutSeconds);

  // The module's configuration is checked before anything runs: a bad value stops here.
  const moduleRun = await resolveModuleRun(options);
  // So is this machine: where the case folder goes and where a pass is recorded.
  await tempRoot(logger);
  if (options.recordTo !== false) await requireRecordable(options.recordTo ?? stateDir());

  const findings: Finding[] = dir !== undefined ? await staticChecks(dir, options, logger) : [];
  findings.push(...moduleRun.findings);
  const docker = await connectEngine(options.docker ? { docker: options.docker } : {});
  await sweepLeftovers(docker, logger);
  const report: ValidationReport = { ok: false, findings, counts: { errors: 0, warnings: 0 } };
  if (dir !== undefined) report.dir = dir;

  let image = options.image;
  if (image === undefined && dir !== undefined) {
    // Findings before blame: a Dockerfile the checks cannot read or parse is the module's fault
    // (exit 1 with the static findings), not a build the Engine refuses (exit 3).
    if (findings.some((f) => f.code === 'no-dockerfile' || f.code === 'dockerfile-syntax')) return finish(report);
    image = await buildForValidation(docker, dir, options, report, logger);
    if (image === undefined) return finish(report);
  }
  if (image === undefined) throw new ModuleError('no-image', 'nothing to validate: give a module folder or --image');
  const imageId = await imageIdOf(docker, image);
  report.image = { ref: image, id: imageId };

  const source: CaseSource = {
    level: options.level ?? 'series',
    settings: options.settings ?? {},
    ...(options.fixtures !== undefined ? { fixtures: options.fixtures } : {}),
    dockerTag: moduleRun.dockerTag ?? image,
    moduleName: moduleRun.moduleName,
    moduleSettings: moduleRun.moduleSettings,
    module: moduleRun.module,
    ...(options.now ? { now: options.now() } : {}),
  };
  // A freshly built image has only its ID: name it by the short form people see in `docker images`.
  const shown = image === imageId ? imageId.slice(0, 19) : image;
  const checked = await checkImagePlatform(docker, imageId, options, shown);
  report.platform = formatPlatform(checked.platform);
  findings.push(...checked.findings);
  if (checked.run.how === 'none') {
    report.smokeSkipped = checked.run.reason;
    findings.push(smokeSkipped(checked.platform, checked.run.reason, shown));
    finish(report);
    if (report.ok) await record(report, imageId, image, source, moduleRun, options);
    return report;
  }
  if (checked.run.how === 'emulated')
    logger.info(`${shown} is for ${report.platform}: smoke run under emulation (${checked.run.handler})`);
  const smoke = await smokeRun(docker, {
    ...smokeRunOptions(imageId, moduleRun, options, timeoutSeconds, logger),
    name: shown,
    prepareInput: (inDir) => prepareCase(inDir, source),
    ...(inspectCase ? { inspectCase } : {}),
  });
  smoke.image = shown;
  const cannotRun = execFormatMeansSkipped(checked, smoke);
  if (cannotRun.skipped) {
    report.smokeSkipped = cannotRun.reason;
    smoke.findings = smoke.findings.filter((f) => f.code !== 'start-exec-format');
    smoke.findings.push(smokeSkipped(checked.platform, cannotRun.reason, shown));
  }
  report.smoke = smoke;
  findings.push(...smoke.findings);
  finish(report);
  if (report.ok && !smoke.interrupted) await record(report, imageId, image, source, moduleRun, options);
  return report;
}

/** Records a passing validation (unless told not to), with its platform and a skipped smoke run's reason. */
async function record(
  report: ValidationReport,
  imageId: string,
  image: string,
  source: CaseSource,
  moduleRun: { requiresRoot: boolean; network: boolean },
  options: ValidateOptions,
): Promise<void> {
  if (options.recordTo === false) return;
  await recordValidation(
    {
      imageId,
      image,
      validatedAt: (options.now?.() ?? new Date()).toISOString(),
      conditions: {
        level: source.level,
        fixtures: options.fixtures ? path.resolve(options.fixtures) : 'synthetic',
        requiresRoot: moduleRun.requiresRoot,
        network: moduleRun.network,
      },
      ...(report.platform ? { platform: report.platform } : {}),
      ...(report.smokeSkipped ? { smokeSkipped: report.smokeSkipped } : {}),
    },
    options.recordTo ?? stateDir(),
  );
}

function finish(report: ValidationReport): ValidationReport {
  report.findings = sortFindings(report.findings);
  report.counts = {
    errors: report.findings.filter((f) => f.severity === 'error').length,
    warnings: report.findings.filter((f) => f.severity === 'warning').length,
  };
  const ran = report.smoke !== undefined && !report.smoke.interrupted;
  report.ok = !hasErrors(report.findings) && (ran || report.smokeSkipped !== undefined);
  return report;
}

async function requireFolder(dir: string, what: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new ModuleError('no-such-folder', `${what} ${dir} does not exist`);
  if (!info.isDirectory()) throw new ModuleError('not-a-folder', `${what} ${dir} is not a folder`);
}
