import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { release } from '../../pipeline/release.js';
import { renderPublish, renderValidation } from '../../report/render.js';
import { styleFor } from '../../report/style.js';
import type { CliContext } from '../context.js';
import { cliCredentials } from '../credentials.js';
import {
  addServerPlatformOption,
  addSkipSmokeOption,
  platformOptions,
  type PlatformFlags,
} from './platform-options.js';
import { addBuildOptions, buildSettings, type BuildFlags } from '../build-options.js';
import { collectBuildArg, collectLabel } from '../options.js';
import { reportFile } from '../report-file.js';
import { TerminalLogger } from '../terminal-logger.js';
import { addPushOptions, pushOptions, type PushFlags } from './push-options.js';
import {
  addLoginOptions,
  addRepositoryOptions,
  addSmokeOptions,
  addTagOptions,
  repositoryOptions,
  smokeOptions,
  tagOptions,
  type LoginFlags,
  type RepositoryFlags,
  type SmokeFlags,
  type TagFlags,
} from './shared-options.js';

/** `release`: build, validate that exact image, and publish it (the whole pipeline). */
export function registerRelease(program: Command, ctx: CliContext): void {
  const releaseCommand = program
    .command('release')
    .description('Build, validate that exact image, and publish it: the one command release automation calls.')
    .argument('[dir]', 'module folder', '.')
    .requiredOption('--image <name>', 'repository, e.g. acme/blur')
    .requiredOption('--version <version>', 'semantic version, e.g. 1.2.3 or refs/tags/v1.2.3')
    .option('--dockerfile <path>', 'Dockerfile relative to DIR')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collectBuildArg, {})
    .option('--label <KEY=VALUE>', 'label overriding a generated one (repeatable)', collectLabel, {});
  addSkipSmokeOption(addServerPlatformOption(addSmokeOptions(addBuildOptions(releaseCommand))))
    .option('--dry-run', 'build and validate, print the tag plan, push nothing')
    .option('--force', 'overwrite an existing version tag that holds another image')
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show build and push output');
  addPushOptions(addRepositoryOptions(addLoginOptions(addTagOptions(releaseCommand))))
    .addHelpText(
      'after',
      '\nExample:\n  $ MERCURE_REGISTRY_USERNAME=acme MERCURE_REGISTRY_PASSWORD=*** mercure-module release . --image acme/blur --version v1.2.3',
    )
    .action(
      async (
        dir: string,
        opts: TagFlags &
          SmokeFlags &
          LoginFlags &
          PushFlags &
          RepositoryFlags &
          BuildFlags &
          PlatformFlags & {
            image: string;
            version: string;
            dryRun?: boolean;
            force?: boolean;
            json?: boolean;
            verbose?: boolean;
          },
      ) => {
        const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
        const credentials = await cliCredentials(opts);
        await reportFile.check(opts.report);
        const report = await release({
          dir,
          ...buildSettings(opts),
          image: opts.image,
          version: opts.version,
          ...smokeOptions(opts),
          ...platformOptions(opts),
          tagOptions: tagOptions(opts),
          dryRun: opts.dryRun === true,
          force: opts.force === true,
          logger,
          signal: ctx.signal,
          repository: await repositoryOptions(opts),
          ...pushOptions(opts),
          ...(credentials ? { credentials } : {}),
          ...(opts.registryUrl ? { registryUrl: opts.registryUrl } : {}),
        });
        await reportFile.write(opts.report, report.validation, logger);
        if (opts.json) {
          ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          const style = styleFor(ctx.stdout);
          for (const v of report.validations ?? [{ platform: '', report: report.validation }]) {
            if (v.platform) ctx.stdout.write(`${style.bold(v.platform)}\n`);
            ctx.stdout.write(`${renderValidation(v.report, style)}\n`);
          }
          if (report.publish) ctx.stdout.write(`\n${renderPublish(report.publish, style)}\n`);
          else ctx.stdout.write(`${style.red('nothing was published: validation failed')}\n`);
        }
        ctx.exitCode = report.ok ? ExitCode.ok : ExitCode.findings;
      },
    );
}
