import type { Command } from 'commander';
import { ModuleError } from '../../errors.js';
import { resolveCredentials, SOURCE_CREDENTIAL_ENV } from '../../pipeline/access/credentials.js';
import { promote } from '../../pipeline/promote.js';
import { smokeRevalidator } from '../../pipeline/validation/revalidate.js';
import { cliCredentials } from '../credentials.js';
import type { CliContext } from '../context.js';
import { parseCount } from '../options.js';
import { renderPromote, renderValidation } from '../../report/render.js';
import { styleFor } from '../../report/style.js';
import { reportFile } from '../report-file.js';
import { TerminalLogger } from '../terminal-logger.js';
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

interface PromoteFlags extends TagFlags, LoginFlags, SmokeFlags, RepositoryFlags {
  to: string;
  from?: string;
  version?: string;
  sourceUsername?: string;
  sourceRegistryUrl?: string;
  dryRun?: boolean;
  skipValidate?: boolean;
  concurrency?: number;
  json?: boolean;
  verbose?: boolean;
}

/** The image to promote, given as the argument or as --from (one of them, once). */
function promotedImage(positional: string | undefined, option: string | undefined): string {
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw new ModuleError('usage', 'promote got two source images: give it as the argument or as --from, not both', {
      hint: 'e.g. mercure-module promote --from registry.example.org/staging/blur:1.2.3 --to acme/blur',
    });
  }
  const from = positional ?? option;
  if (from === undefined) {
    throw new ModuleError('usage', 'promote needs the tested image: give it as the argument or as --from', {
      hint: 'e.g. mercure-module promote registry.example.org/staging/blur:1.2.3 --to acme/blur',
    });
  }
  return from;
}

/** `promote`: copy a tested image to a release repository (same digest), then tag it forward. */
export function registerPromote(program: Command, ctx: CliContext): void {
  const promoteCommand = program
    .command('promote')
    .description(
      'Copy a tested image to a release repository without rebuilding (same digest), then tag it forward only.',
    )
    .argument('[from]', 'the tested image: REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:... (or --from)')
    .option('--from <image>', 'the tested image, as the positional argument names it')
    .requiredOption('--to <repository>', 'release repository without tag, e.g. acme/blur')
    .option('--version <version>', "release version (default: the image's org.opencontainers.image.version label)")
    .option('--source-username <user>', `login for the source registry (password: $${SOURCE_CREDENTIAL_ENV.password})`)
    .option('--source-registry-url <url>', 'source registry API base URL, when not derived from the name')
    .option('--dry-run', 'resolve and plan only: no smoke run, nothing written')
    .option('--skip-validate', 'promote without re-running the smoke run on the exact digest (printed)')
    .option('--concurrency <n>', 'blobs copied at once (default 6)', parseCount('--concurrency', 32));
  addSmokeOptions(promoteCommand)
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show pull and copy progress');
  addRepositoryOptions(addLoginOptions(addTagOptions(promoteCommand)))
    .addHelpText(
      'after',
      '\nExample:\n  $ MERCURE_SOURCE_REGISTRY_USERNAME=ci MERCURE_SOURCE_REGISTRY_PASSWORD=*** \\\n    mercure-module promote registry.example.org/staging/blur:1.2.3 --to acme/blur --username acme --password-stdin',
    )
    .action(async (positional: string | undefined, opts: PromoteFlags) => {
      const from = promotedImage(positional, opts.from);
      const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
      const targetLogin = await cliCredentials(opts);
      const sourceLogin = resolveCredentials({ username: opts.sourceUsername }, process.env, SOURCE_CREDENTIAL_ENV);
      const style = styleFor(ctx.stdout);
      await reportFile.check(opts.report);
      const result = await promote({
        from,
        to: opts.to,
        tagOptions: tagOptions(opts),
        logger,
        signal: ctx.signal,
        dryRun: opts.dryRun === true,
        skipValidate: opts.skipValidate === true,
        repository: await repositoryOptions(opts),
        ...(opts.version ? { version: opts.version } : {}),
        ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
        source: {
          ...(sourceLogin ? { credentials: sourceLogin } : {}),
          ...(opts.sourceRegistryUrl ? { registryUrl: opts.sourceRegistryUrl } : {}),
        },
        target: {
          ...(targetLogin ? { credentials: targetLogin } : {}),
          ...(opts.registryUrl ? { registryUrl: opts.registryUrl } : {}),
        },
        revalidate: smokeRevalidator({
          logger,
          signal: ctx.signal,
          ...smokeOptions(opts),
          ...(sourceLogin ? { credentials: sourceLogin } : {}),
          onReport: async (report) => {
            await reportFile.write(opts.report, report, logger);
            if (!opts.json && !report.ok) ctx.stdout.write(`${renderValidation(report, style)}\n`);
          },
        }),
      });
      ctx.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPromote(result, style)}\n`);
    });
}
