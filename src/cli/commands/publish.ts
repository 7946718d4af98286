import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { buildModule } from '../../pipeline/build.js';
import { publish, type PublishResult } from '../../pipeline/publish.js';
import { release } from '../../pipeline/release.js';
import { cliCredentials } from '../credentials.js';
import type { CliContext } from '../main.js';
import { collectBuildArg } from '../options.js';
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
import { renderPublish, renderValidation } from '../../report/render.js';
import { styleFor } from '../../report/style.js';
import { TerminalLogger } from '../terminal-logger.js';

/** `build`, `publish` and `release`: the image, its tags, and the whole pipeline. */
export function registerPublishing(program: Command, ctx: CliContext): void {
  program
    .command('build')
    .description('Build the module with OCI labels and tag it <image>:<version> in the engine.')
    .argument('[dir]', 'module folder', '.')
    .requiredOption('--image <name>', 'repository to publish to, e.g. acme/blur')
    .requiredOption('--version <version>', 'semantic version, e.g. 1.2.3, v1.2.3 or refs/tags/v1.2.3')
    .option('--dockerfile <path>', 'Dockerfile relative to DIR')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collectBuildArg, {})
    .option('--label <KEY=VALUE>', 'label overriding a generated one (repeatable)', collectBuildArg, {})
    .option('--target <stage>', 'build this stage of a multi-stage Dockerfile')
    .option('--platform <platform>', 'e.g. linux/amd64, where the engine supports it')
    .option('--no-cache', 'do not use the build cache')
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show build output')
    .addHelpText('after', '\nExample:\n  $ mercure-module build . --image acme/blur --version 1.2.3')
    .action(
      async (
        dir: string,
        opts: {
          image: string;
          version: string;
          dockerfile?: string;
          buildArg: Record<string, string>;
          label: Record<string, string>;
          target?: string;
          platform?: string;
          cache: boolean;
          json?: boolean;
          verbose?: boolean;
        },
      ) => {
        const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
        const built = await buildModule({
          dir,
          image: opts.image,
          version: opts.version,
          buildArgs: opts.buildArg,
          labels: opts.label,
          noCache: !opts.cache,
          logger,
          ...(opts.dockerfile ? { dockerfile: opts.dockerfile } : {}),
          ...(opts.target ? { target: opts.target } : {}),
          ...(opts.platform ? { platform: opts.platform } : {}),
        });
        ctx.stdout.write(opts.json ? `${JSON.stringify(built, null, 2)}\n` : `${built.reference} ${built.imageId}\n`);
      },
    );

  const publishCommand = program
    .command('publish')
    .description('Push a validated image: the version tag, then floating tags that only move forward.')
    .requiredOption('--image <name>', 'repository, e.g. acme/blur or 127.0.0.1:5000/acme/blur')
    .requiredOption('--version <version>', 'semantic version of this release')
    .option('--source <image>', 'local image to publish (default: <image>:<version>)')
    .option('--dry-run', 'print the tag plan and change nothing')
    .option('--force', 'overwrite an existing version tag that holds another image')
    .option('--skip-validate', 'publish an image that never passed validate (printed)')
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show push progress');
  addRepositoryOptions(addLoginOptions(addTagOptions(publishCommand)))
    .addHelpText(
      'after',
      '\nExamples:\n  $ mercure-module publish --image acme/blur --version 1.2.3 --dry-run\n  $ echo "$TOKEN" | mercure-module publish --image acme/blur --version 1.2.3 --username acme --password-stdin',
    )
    .action(
      async (
        opts: TagFlags &
          LoginFlags &
          RepositoryFlags & {
            image: string;
            version: string;
            source?: string;
            dryRun?: boolean;
            force?: boolean;
            skipValidate?: boolean;
            json?: boolean;
            verbose?: boolean;
          },
      ) => {
        const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
        const credentials = await cliCredentials(opts);
        const result = await publish({
          image: opts.image,
          version: opts.version,
          tagOptions: tagOptions(opts),
          logger,
          signal: ctx.signal,
          dryRun: opts.dryRun === true,
          force: opts.force === true,
          skipValidate: opts.skipValidate === true,
          repository: await repositoryOptions(opts),
          ...(opts.source ? { source: opts.source } : {}),
          ...(credentials ? { credentials } : {}),
          ...(opts.registryUrl ? { registryUrl: opts.registryUrl } : {}),
        });
        writePublish(ctx, result, opts.json === true);
      },
    );

  const releaseCommand = program
    .command('release')
    .description('Build, validate that exact image, and publish it: the one command release automation calls.')
    .argument('[dir]', 'module folder', '.')
    .requiredOption('--image <name>', 'repository, e.g. acme/blur')
    .requiredOption('--version <version>', 'semantic version, e.g. 1.2.3 or refs/tags/v1.2.3')
    .option('--dockerfile <path>', 'Dockerfile relative to DIR')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collectBuildArg, {})
    .option('--label <KEY=VALUE>', 'label overriding a generated one (repeatable)', collectBuildArg, {});
  addSmokeOptions(releaseCommand)
    .option('--dry-run', 'build and validate, print the tag plan, push nothing')
    .option('--force', 'overwrite an existing version tag that holds another image')
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show build and push output');
  addRepositoryOptions(addLoginOptions(addTagOptions(releaseCommand)))
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
          RepositoryFlags & {
            image: string;
            version: string;
            dockerfile?: string;
            buildArg: Record<string, string>;
            label: Record<string, string>;
            dryRun?: boolean;
            force?: boolean;
            json?: boolean;
            verbose?: boolean;
          },
      ) => {
        const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
        const credentials = await cliCredentials(opts);
        const report = await release({
          dir,
          image: opts.image,
          version: opts.version,
          buildArgs: opts.buildArg,
          labels: opts.label,
          ...smokeOptions(opts),
          tagOptions: tagOptions(opts),
          dryRun: opts.dryRun === true,
          force: opts.force === true,
          logger,
          signal: ctx.signal,
          repository: await repositoryOptions(opts),
          ...(opts.dockerfile ? { dockerfile: opts.dockerfile } : {}),
          ...(credentials ? { credentials } : {}),
          ...(opts.registryUrl ? { registryUrl: opts.registryUrl } : {}),
        });
        if (opts.json) {
          ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          const style = styleFor(ctx.stdout);
          ctx.stdout.write(`${renderValidation(report.validation, style)}\n`);
          if (report.publish) ctx.stdout.write(`\n${renderPublish(report.publish, style)}\n`);
          else ctx.stdout.write(`${style.red('nothing was published: validation failed')}\n`);
        }
        ctx.exitCode = report.ok ? ExitCode.ok : ExitCode.findings;
      },
    );
}

function writePublish(ctx: CliContext, result: PublishResult, json: boolean): void {
  ctx.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPublish(result, styleFor(ctx.stdout))}\n`);
}
