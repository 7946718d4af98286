import type { Command } from 'commander';
import { status } from '../../pipeline/status.js';
import { renderStatus } from '../../report/render.js';
import { styleFor } from '../../report/style.js';
import type { CliContext } from '../context.js';
import { cliCredentials } from '../credentials.js';
import type { LoginFlags } from './shared-options.js';

/** `status`: what a mercure server configured with IMAGE:TAG gets at its next pull. */
export function registerStatus(program: Command, ctx: CliContext): void {
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
}
