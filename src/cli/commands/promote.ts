import type { Command } from 'commander';
import { resolveCredentials, SOURCE_CREDENTIAL_ENV } from '../../pipeline/credentials.js';
import { promote } from '../../pipeline/promote.js';
import { registryEntryFromRegistry } from '../../pipeline/registry-entry.js';
import { smokeRevalidator } from '../../pipeline/revalidate.js';
import { status } from '../../pipeline/status.js';
import { cliCredentials } from '../credentials.js';
import type { CliContext } from '../main.js';
import { collectList, parseCount } from '../options.js';
import { renderPromote, renderStatus, renderValidation } from '../../report/render.js';
import { styleFor } from '../../report/style.js';
import { TerminalLogger } from '../terminal-logger.js';
import {
  addLoginOptions,
  addSmokeOptions,
  addTagOptions,
  smokeOptions,
  tagOptions,
  type LoginFlags,
  type SmokeFlags,
  type TagFlags,
} from './shared-options.js';

interface PromoteFlags extends TagFlags, LoginFlags, SmokeFlags {
  to: string;
  version?: string;
  sourceUsername?: string;
  sourceRegistryUrl?: string;
  dryRun?: boolean;
  skipValidate?: boolean;
  concurrency?: number;
  json?: boolean;
  verbose?: boolean;
}

/** `promote`, `status` and `registry-entry`: what happens after an image is in a registry. */
export function registerRegistryCommands(program: Command, ctx: CliContext): void {
  const promoteCommand = program
    .command('promote')
    .description(
      'Copy a tested image to a release repository without rebuilding (same digest), then tag it forward only.',
    )
    .argument('<from>', 'the tested image: REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:...')
    .requiredOption('--to <repository>', 'release repository without tag, e.g. acme/blur')
    .option('--version <version>', "release version (default: the image's org.opencontainers.image.version label)")
    .option('--source-username <user>', `login for the source registry (password: $${SOURCE_CREDENTIAL_ENV.password})`)
    .option('--source-registry-url <url>', 'source registry API base URL, when not derived from the name')
    .option('--dry-run', 'resolve and plan only: no smoke run, nothing written')
    .option('--skip-validate', 'promote without re-running the smoke run on the exact digest (printed)')
    .option('--concurrency <n>', 'blobs copied at once (default 3)', parseCount('--concurrency', 32));
  addSmokeOptions(promoteCommand)
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show pull and copy progress');
  addLoginOptions(addTagOptions(promoteCommand))
    .addHelpText(
      'after',
      '\nExample:\n  $ MERCURE_SOURCE_REGISTRY_USERNAME=ci MERCURE_SOURCE_REGISTRY_PASSWORD=*** \\\n    mercure-module promote registry.example.org/staging/blur:1.2.3 --to acme/blur --username acme --password-stdin',
    )
    .action(async (from: string, opts: PromoteFlags) => {
      const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
      const targetLogin = await cliCredentials(opts);
      const sourceLogin = resolveCredentials({ username: opts.sourceUsername }, process.env, SOURCE_CREDENTIAL_ENV);
      const style = styleFor(ctx.stdout);
      const result = await promote({
        from,
        to: opts.to,
        tagOptions: tagOptions(opts),
        logger,
        signal: ctx.signal,
        dryRun: opts.dryRun === true,
        skipValidate: opts.skipValidate === true,
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
          onReport: (report) => {
            if (!opts.json && !report.ok) ctx.stdout.write(`${renderValidation(report, style)}\n`);
          },
        }),
      });
      ctx.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPromote(result, style)}\n`);
    });

  program
    .command('status')
    .description(
      'What a mercure server configured with IMAGE:TAG gets at its next hourly pull, and whether it is an update.',
    )
    .argument('<image>', 'the docker_tag as configured in mercure, e.g. acme/blur:1')
    .option('--installed <digest>', 'the digest or image ID the server runs now')
    .option(
      '--username <user>',
      'registry user for a private repository (password: --password-stdin or $MERCURE_REGISTRY_PASSWORD)',
    )
    .option('--password-stdin', 'read the password or access token from stdin')
    .option('--registry-url <url>', 'registry API base URL, when not derived from the name')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExample:\n  $ mercure-module status acme/blur:1 --installed sha256:4f1c...')
    .action(async (image: string, opts: LoginFlags & { installed?: string; json?: boolean }) => {
      const credentials = await cliCredentials(opts);
      const result = await status(image, {
        ...(opts.installed ? { installed: opts.installed } : {}),
        ...(credentials ? { credentials } : {}),
        ...(opts.registryUrl ? { registryUrl: opts.registryUrl } : {}),
      });
      ctx.stdout.write(
        opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderStatus(result, styleFor(ctx.stdout))}\n`,
      );
    });

  program
    .command('registry-entry')
    .description(
      "Print the module's entry for mercure's module registry (modules.json) from the tags actually published.",
    )
    .requiredOption('--image <repository>', 'the published repository, e.g. acme/blur')
    .requiredOption('--name <name>', 'module name (letters, digits, _ and -)')
    .requiredOption('--description <text>', 'one-line description')
    .requiredOption('--github-url <url>', "the module's GitHub repository")
    .option(
      '--tag <tag>',
      'a tag to offer (repeatable; default: latest, major, minor and release tags)',
      collectList,
      [],
    )
    .option('--monai', 'the module is a MONAI application package')
    .option('--status <status>', 'e.g. stable, beta')
    .option('--username <user>', 'registry user for a private repository')
    .option('--password-stdin', 'read the password or access token from stdin')
    .option('--registry-url <url>', 'registry API base URL')
    .addHelpText(
      'after',
      '\nExample:\n  $ mercure-module registry-entry --image acme/blur --name blur --description "Smooths a series" \\\n      --github-url https://github.com/acme/mercure-blur --status stable',
    )
    .action(
      async (
        opts: LoginFlags & {
          image: string;
          name: string;
          description: string;
          githubUrl: string;
          tag: string[];
          monai?: boolean;
          status?: string;
        },
      ) => {
        const credentials = await cliCredentials(opts);
        const entry = await registryEntryFromRegistry({
          image: opts.image,
          name: opts.name,
          description: opts.description,
          githubUrl: opts.githubUrl,
          ...(opts.tag.length > 0 ? { supported: opts.tag } : {}),
          ...(opts.monai ? { isMonaiModule: true } : {}),
          ...(opts.status ? { status: opts.status } : {}),
          ...(credentials ? { credentials } : {}),
          ...(opts.registryUrl ? { registryUrl: opts.registryUrl } : {}),
        });
        ctx.stdout.write(`${JSON.stringify(entry, null, 2)}\n`);
      },
    );
}
