import type { Command } from 'commander';
import { buildModule } from '../../pipeline/build.js';
import type { CliContext } from '../context.js';
import { collectBuildArg } from '../options.js';
import { TerminalLogger } from '../terminal-logger.js';

/** `build`: the module's image with OCI labels, tagged <image>:<version> in the engine. */
export function registerBuild(program: Command, ctx: CliContext): void {
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
}
