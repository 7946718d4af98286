import type { Command } from 'commander';
import { registryEntryFromRegistry } from '../../pipeline/registry-entry.js';
import type { CliContext } from '../context.js';
import { cliCredentials } from '../credentials.js';
import { collectList } from '../options.js';
import type { LoginFlags } from './shared-options.js';

/** `registry-entry`: the module's entry for mercure's module registry, from the published tags. */
export function registerRegistryEntry(program: Command, ctx: CliContext): void {
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
