import { ModuleError } from '../errors.js';
import { publish, type PublishResult } from '../pipeline/publish.js';
import { release } from '../pipeline/release.js';
import { status } from '../pipeline/status.js';
import { validate, type ValidationReport } from '../pipeline/validate.js';
import { parseVersion } from '../release/index.js';
import type { Logger } from '../logger.js';
import type { ActionInputs } from './inputs.js';
import type { ActionOutcome } from './outcome.js';
import { runPromote } from './promote.js';
import { reportRoot } from './report-file.js';

export type { ActionOutcome } from './outcome.js';

/** Runs the command the inputs name through the library and describes what it did. */
export async function runCommand(inputs: ActionInputs, logger: Logger, signal: AbortSignal): Promise<ActionOutcome> {
  switch (inputs.command) {
    case 'validate':
      return runValidate(inputs, logger, signal);
    case 'release':
      return runRelease(inputs, logger, signal);
    case 'publish':
      return fromPublish(inputs, await publish({ ...publishOptions(inputs, logger, signal) }), undefined);
    case 'status':
      return runStatus(inputs, logger);
    case 'promote':
      return runPromote(inputs, logger, signal);
  }
}

function smokeOptions(inputs: ActionInputs) {
  return {
    ...inputs.build,
    buildArgs: inputs.buildArgs,
    requiresRoot: inputs.requiresRoot,
    network: inputs.network,
    level: inputs.level,
    ...(inputs.timeoutSeconds !== undefined ? { timeoutSeconds: inputs.timeoutSeconds } : {}),
    ...(inputs.fixtures !== undefined ? { fixtures: inputs.fixtures } : {}),
    ...(inputs.settings ? { settings: inputs.settings } : {}),
    ...(inputs.moduleConfig ? { moduleConfig: inputs.moduleConfig } : {}),
    // On a runner the HTML report is written (main.ts), so the smoke run draws its pictures.
    ...(reportRoot() ? { previews: true } : {}),
    ...(inputs.serverPlatform ? { serverPlatform: inputs.serverPlatform } : {}),
  };
}

/** The library options of publish (and release's publish step) from the inputs. */
export function publishOptions(inputs: ActionInputs, logger: Logger, signal: AbortSignal) {
  return {
    image: required(inputs.image, 'image'),
    version: required(inputs.version, 'version'),
    tagOptions: inputs.tagOptions,
    dryRun: inputs.dryRun,
    force: inputs.force,
    pusher: inputs.pusher,
    ...(inputs.baseImage ? { baseImage: inputs.baseImage } : {}),
    ...((inputs.build.platforms?.length ?? 0) > 1 ? { platforms: inputs.build.platforms } : {}),
    ...(inputs.skipSmokePlatforms.length > 0 ? { skipSmokePlatforms: inputs.skipSmokePlatforms } : {}),
    repository: inputs.repository,
    logger,
    signal,
    ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
    ...(inputs.registryUrl ? { registryUrl: inputs.registryUrl } : {}),
  };
}

async function runValidate(inputs: ActionInputs, logger: Logger, signal: AbortSignal): Promise<ActionOutcome> {
  const report = await validate({
    dir: inputs.context,
    ...smokeOptions(inputs),
    ...(inputs.image ? { imageName: inputs.image } : {}),
    logger,
    signal,
  });
  return {
    command: 'validate',
    subject: inputs.context,
    ok: report.ok,
    tags: [],
    skipped: [],
    dryRun: inputs.dryRun,
    validation: report,
    report,
    ...(report.ok ? {} : { failure: failedValidation(report) }),
    // Always the bare version (1.2.3), whatever form it came in (refs/tags/v1.2.3 on a tag push).
    ...(inputs.version ? { version: parseVersion(inputs.version).version } : {}),
    ...(report.image ? { image: report.image.ref } : {}),
  };
}

async function runRelease(inputs: ActionInputs, logger: Logger, signal: AbortSignal): Promise<ActionOutcome> {
  const report = await release({
    dir: inputs.context,
    ...smokeOptions(inputs),
    ...publishOptions(inputs, logger, signal),
  });
  if (!report.publish) {
    return {
      command: 'release',
      subject: `${inputs.image ?? ''} ${inputs.version ?? ''}`,
      ok: false,
      failure: `${failedValidation(report.validation)}: nothing was published`,
      version: parseVersion(report.build.version).version,
      image: required(inputs.image, 'image'),
      tags: [],
      skipped: [],
      dryRun: inputs.dryRun,
      validation: report.validation,
      report,
    };
  }
  return fromPublish(inputs, report.publish, report.validation, report);
}

function fromPublish(
  inputs: ActionInputs,
  result: PublishResult,
  validation: ValidationReport | undefined,
  report: unknown = result,
): ActionOutcome {
  const tags = result.dryRun
    ? result.plan.tags.map((t) => ({ tag: t.tag, reason: t.reason }))
    : result.tags.map((t) => ({ tag: t.tag, digest: t.digest, reason: t.reason }));
  return {
    command: inputs.command,
    subject: `${result.image} ${result.version}`,
    ok: true,
    version: result.version,
    image: result.image,
    tags,
    skipped: result.skipped,
    dryRun: result.dryRun,
    publish: result,
    report,
    ...(result.digest ? { digest: result.digest } : {}),
    ...(validation ? { validation } : {}),
  };
}

async function runStatus(inputs: ActionInputs, logger: Logger): Promise<ActionOutcome> {
  const found = await status(required(inputs.image, 'image'), {
    logger,
    ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
    ...(inputs.registryUrl ? { registryUrl: inputs.registryUrl } : {}),
  });
  logger.info(
    `${found.image} (${found.follows}) -> ${found.digest}${found.version ? `, version ${found.version}` : ''}`,
  );
  return {
    command: 'status',
    subject: found.image,
    ok: true,
    image: found.image,
    digest: found.digest,
    dryRun: false,
    status: found,
    report: found,
    skipped: [],
    tags: found.tag
      ? [{ tag: found.tag, digest: found.digest, reason: `${found.follows}: what a server following it pulls next` }]
      : [],
    ...(found.version ? { version: found.version } : {}),
  };
}

function failedValidation(report: ValidationReport): string {
  return `validation failed: ${report.counts.errors} error(s), ${report.counts.warnings} warning(s)`;
}

/** Inputs the command needs; inputs.ts already refused their absence, this keeps the types honest. */
function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ModuleError('bad-input', `input "${name}" is required for this command`);
  return value;
}
