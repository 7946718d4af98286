import { ModuleError } from '../errors.js';
import { parseReference, registryBaseUrl } from '../registry/reference.js';
import { silentLogger } from '../logger.js';
import { buildModule, type BuildOptions, type BuildReport } from './build.js';
import { publish, type PublishOptions, type PublishResult } from './publish.js';
import { validate, type ValidateOptions, type ValidationReport } from './validate.js';
import { MODULE_RUN_OPTIONS, type ModuleRunOptions } from './validation/module-run.js';

/** Options of `mercure-module release`: those of build, validate and publish together. */
export type ReleaseOptions = BuildOptions &
  Pick<ValidateOptions, 'timeoutSeconds' | 'fixtures' | 'level' | 'signal' | 'previews' | 'serverPlatform'> &
  ModuleRunOptions &
  Pick<
    PublishOptions,
    | 'credentials'
    | 'tagOptions'
    | 'dryRun'
    | 'force'
    | 'registryUrl'
    | 'validationDir'
    | 'repository'
    | 'pusher'
    | 'baseImage'
    | 'skipSmokePlatforms'
  >;

export interface ReleaseReport {
  ok: boolean;
  build: BuildReport;
  /** The validation of the (first platform's) image. */
  validation: ValidationReport;
  /** A multi-platform release: each platform's validation, in build order. */
  validations?: { platform: string; report: ValidationReport }[];
  publish?: PublishResult;
}

/** The module-run options set in `options`, and no others. */
function pickModuleRun(options: ModuleRunOptions): ModuleRunOptions {
  return Object.fromEntries(
    MODULE_RUN_OPTIONS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]),
  );
}

/**
 * The whole pipeline release automation calls: build with labels, validate that exact image
 * (static checks + smoke run), and publish it only when validation passed.
 */
export async function release(options: ReleaseOptions): Promise<ReleaseReport> {
  const logger = options.logger ?? silentLogger;
  // Where it will publish is checked before a minute of building and smoke-running.
  const target = parseReference(options.image);
  registryBaseUrl(target.registry, options.registryUrl);
  // A login given for the target also serves a base image on that registry (buildx reads the Docker config's itself).
  const built = await buildModule({
    ...options,
    ...(options.credentials ? { logins: { [target.registry]: options.credentials, ...options.logins } } : {}),
  });
  const images = built.platforms ?? [{ platform: undefined, imageId: built.imageId }];
  const validations: { platform: string; report: ValidationReport }[] = [];
  for (const image of images) {
    const report = await validate({
      dir: options.dir,
      image: image.imageId,
      imageName: options.image,
      ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
      ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}),
      ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
      ...(options.fixtures !== undefined ? { fixtures: options.fixtures } : {}),
      ...(options.level ? { level: options.level } : {}),
      ...(options.serverPlatform ? { serverPlatform: options.serverPlatform } : {}),
      ...(built.platforms ? { releasedPlatforms: built.platforms.map((p) => p.platform) } : {}),
      ...pickModuleRun(options),
      ...(options.previews ? { previews: true } : {}),
      ...(options.validationDir ? { recordTo: options.validationDir } : {}),
      logger,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.docker ? { docker: options.docker } : {}),
    });
    validations.push({ platform: report.platform ?? image.platform ?? '', report });
  }
  const validation = (validations[0] as { report: ValidationReport }).report;
  const perPlatform = built.platforms ? { validations } : {};
  const failed = validations.find((v) => !v.report.ok);
  if (failed) return { ok: false, build: built, validation: failed.report, ...perPlatform };
  if (options.signal?.aborted)
    throw new ModuleError('interrupted', 'interrupted before publishing: nothing was pushed', { kind: 'environment' });
  const published = await publish({
    image: options.image,
    version: options.version,
    ...(built.platforms
      ? {
          platforms: built.platforms.map((p) => p.platform),
          sources: built.platforms.map((p) => ({ platform: p.platform, source: p.imageId })),
        }
      : { source: built.imageId }),
    ...(options.skipSmokePlatforms ? { skipSmokePlatforms: options.skipSmokePlatforms } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.tagOptions ? { tagOptions: options.tagOptions } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.registryUrl ? { registryUrl: options.registryUrl } : {}),
    ...(options.validationDir ? { validationDir: options.validationDir } : {}),
    ...(options.repository ? { repository: options.repository } : {}),
    ...(options.pusher ? { pusher: options.pusher } : {}),
    ...(options.baseImage ? { baseImage: options.baseImage } : {}),
    logger,
    ...(options.docker ? { docker: options.docker } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { ok: true, build: built, validation, ...perPlatform, publish: published };
}
