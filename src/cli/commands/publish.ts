import type { Command } from 'commander';
import { publish } from '../../pipeline/publish.js';
import { renderPublish } from '../../report/render.js';
import { styleFor } from '../../report/style.js';
import type { CliContext } from '../context.js';
import { cliCredentials } from '../credentials.js';
import { TerminalLogger } from '../terminal-logger.js';
import { collectList } from '../options.js';
import { addSkipSmokeOption, platformOptions, type PlatformFlags } from './platform-options.js';
import { addPushOptions, pushOptions, type PushFlags } from './push-options.js';
import {
  addLoginOptions,
  addRepositoryOptions,
  addTagOptions,
  repositoryOptions,
  tagOptions,
  type LoginFlags,
  type RepositoryFlags,
  type TagFlags,
} from './shared-options.js';

/** `publish`: push a validated image, its version tag, then floating tags that only move forward. */
export function registerPublish(program: Command, ctx: CliContext): void {
  const publishCommand = program
    .command('publish')
    .description('Push a validated image: the version tag, then floating tags that only move forward.')
    .requiredOption('--image <name>', 'repository, e.g. acme/blur or 127.0.0.1:5000/acme/blur')
    .requiredOption('--version <version>', 'semantic version of this release')
    .option('--source <image>', 'local image to publish (default: <image>:<version>)')
    .option(
      '--platform <platforms>',
      'a multi-platform release, e.g. linux/amd64,linux/arm64: the images <image>:<version>-<os>-<arch> under one OCI image index',
      collectList,
      [],
    )
    .option('--dry-run', 'print the tag plan and change nothing')
    .option('--force', 'overwrite an existing version tag that holds another image')
    .option('--skip-validate', 'publish an image that never passed validate (printed)')
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show push progress');
  addSkipSmokeOption(addPushOptions(addRepositoryOptions(addLoginOptions(addTagOptions(publishCommand)))))
    .addHelpText(
      'after',
      '\nExamples:\n  $ mercure-module publish --image acme/blur --version 1.2.3 --dry-run\n  $ echo "$TOKEN" | mercure-module publish --image acme/blur --version 1.2.3 --username acme --password-stdin',
    )
    .action(
      async (
        opts: TagFlags &
          LoginFlags &
          PushFlags &
          RepositoryFlags &
          PlatformFlags & {
            image: string;
            platform: string[];
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
          ...pushOptions(opts),
          ...platformOptions(opts),
          ...(opts.platform.length > 0 ? { platforms: opts.platform } : {}),
          ...(opts.source ? { source: opts.source } : {}),
          ...(credentials ? { credentials } : {}),
          ...(opts.registryUrl ? { registryUrl: opts.registryUrl } : {}),
        });
        ctx.stdout.write(
          opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPublish(result, styleFor(ctx.stdout))}\n`,
        );
      },
    );
}
