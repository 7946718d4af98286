import type Docker from 'dockerode';
import { finding, type Finding } from '../../contract/finding.js';
import { checkModule } from '../../contract/static/index.js';
import { BuildFailure, buildImage, pickBuildSettings, type BuildSettings } from '../../engine/build.js';
import { escapeControl } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { buildOutput, failureText, hasBuildkit } from './builder.js';

/** What validate and the matrix both need to check and build a module folder. */
export interface ModuleImageOptions extends BuildSettings {
  imageName?: string;
  requiresRoot?: boolean;
  /** The module's network at run time (mercure's network_enabled), not the build's. */
  network?: boolean;
  signal?: AbortSignal;
}

/** The part of a report these steps fill in. */
export interface ImageSteps {
  findings: Finding[];
  build?: { imageId?: string; logTail: string[] };
}

/** The static checks of a module folder, as one logged step. */
export async function staticChecks(dir: string, options: ModuleImageOptions, logger: Logger): Promise<Finding[]> {
  const step = logger.step(`static checks of ${dir}`);
  const findings = await checkModule(dir, {
    ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
    ...(options.imageName ? { image: options.imageName } : {}),
    buildArgs: options.buildArgs ?? {},
    requiresRoot: options.requiresRoot ?? false,
    network: options.network ?? false,
    // Also warns, once, when builds fall back to the legacy builder.
    buildkit: await hasBuildkit(logger),
  });
  step.done(`${findings.length} finding(s)`);
  return findings;
}

/**
 * A plain build of the module folder to smoke-run: the image ID, or undefined when it does not
 * build (then a build-failed finding and the build log tail are in `report`).
 */
export async function buildForValidation(
  docker: Docker,
  dir: string,
  options: ModuleImageOptions,
  report: ImageSteps,
  logger: Logger,
): Promise<string | undefined> {
  const step = logger.step(`building ${dir}`);
  try {
    const built = await buildImage(docker, {
      ...pickBuildSettings(options),
      dir,
      onLine: buildOutput(logger),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    step.done(built.imageId.slice(0, 19));
    report.build = { imageId: built.imageId, logTail: built.log.slice(-5).map((l) => escapeControl(l)) };
    return built.imageId;
  } catch (error) {
    if (!(error instanceof BuildFailure)) throw error;
    step.done('failed', 'failed');
    // The build log carries the module's RUN output: module text, shown to people.
    report.build = { logTail: error.log.slice(-20).map((l) => escapeControl(l)) };
    report.findings.push(
      finding(error.frontend ? 'syntax-frontend-unreachable' : 'build-failed', failureText(error), {
        file: options.dockerfile ?? 'Dockerfile',
      }),
    );
    return undefined;
  }
}
