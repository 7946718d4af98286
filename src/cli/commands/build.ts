import type { Command } from 'commander';
import { buildModule } from '../../pipeline/build.js';
import type { CliContext } from '../context.js';
import { addBuildOptions, buildSettings, type BuildFlags } from '../build-options.js';
import { collectBuildArg, collectLabel } from '../options.js';
import { TerminalLogger } from '../terminal-logger.js';

/** `build`: the module's image with OCI labels, tagged <image>:<version> in the engine. */
export function registerBuild(program: Command, ctx: CliContext): void {
  const command = program
    .command('build')
    .description('Build the module with OCI labels and tag it <image>:<version> in the engine.')
    .argument('[dir]', 'module folder', '.')
    .requiredOption('--image <name>', 'repository to publish to, e.g. acme/blur')
    .requiredOption('--version <version>', 'semantic version, e.g. 1.2.3, v1.2.3 or refs/tags/v1.2.3')
    .option('--dockerfile <path>', 'Dockerfile relative to DIR')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collectBuildArg, {})
    .option('--label <KEY=VALUE>', 'label overriding a generated one (repeatable)', collectLabel, {});
  addBuildOptions(command)
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'show build output')
    .addHelpText('after', '\nExample:\n  $ mercure-module build . --image acme/blur --version 1.2.3')
    .action(
      async (dir: string, opts: BuildFlags & { image: string; version: string; json?: boolean; verbose?: boolean }) => {
        const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
        const built = await buildModule({
          ...buildSettings(opts),
          dir,
          image: opts.image,
          version: opts.version,
          logger,
          signal: ctx.signal,
        });
        const lines = (built.platforms ?? [built]).map((b) => `${b.reference} ${b.imageId}\n`).join('');
        ctx.stdout.write(opts.json ? `${JSON.stringify(built, null, 2)}\n` : lines);
      },
    );
}
