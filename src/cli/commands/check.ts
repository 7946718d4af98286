import type { Command } from 'commander';
import { checkModule } from '../../contract/static/index.js';
import { findBuildx } from '../../engine/build.js';
import { hasErrors, sortFindings } from '../../contract/finding.js';
import { ModuleError, ExitCode } from '../../errors.js';
import { stat } from 'node:fs/promises';
import type { CliContext } from '../context.js';
import { collectBuildArg } from '../options.js';
import { renderFindings } from '../../report/render.js';
import { styleFor } from '../../report/style.js';

/** `mercure-module check [DIR]`: the static contract checks only (no engine needed). */
export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('Check a module repository against the mercure contract without building it.')
    .argument('[dir]', 'module folder', '.')
    .option('--dockerfile <path>', 'Dockerfile relative to DIR', 'Dockerfile')
    .option('--image <name>', 'the image name the module is published as (checks the Makefile agrees)')
    .option('--build-arg <KEY=VALUE>', 'build argument, e.g. BASE_IMAGE=... (repeatable)', collectBuildArg, {})
    .option('--requires-root', 'the module is configured with requires_root in mercure')
    .option('--network', 'the module is configured with network enabled in mercure')
    .option('--json', 'print the findings as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mercure-module check\n  $ mercure-module check ./my-module --image acme/blur --json',
    )
    .action(
      async (
        dir: string,
        opts: {
          dockerfile: string;
          image?: string;
          buildArg: Record<string, string>;
          requiresRoot?: boolean;
          network?: boolean;
          json?: boolean;
        },
      ) => {
        const info = await stat(dir).catch(() => undefined);
        if (!info?.isDirectory()) throw new ModuleError('no-such-folder', `module folder ${dir} does not exist`);
        const findings = sortFindings(
          await checkModule(dir, {
            dockerfile: opts.dockerfile,
            ...(opts.image ? { image: opts.image } : {}),
            buildArgs: opts.buildArg,
            requiresRoot: opts.requiresRoot === true,
            network: opts.network === true,
            buildkit: (await findBuildx()) !== undefined,
          }),
        );
        const ok = !hasErrors(findings);
        if (opts.json) {
          ctx.stdout.write(`${JSON.stringify({ ok, dir, findings }, null, 2)}\n`);
        } else {
          const style = styleFor(ctx.stdout);
          const lines = renderFindings(findings, style);
          const errors = findings.filter((f) => f.severity === 'error').length;
          lines.push(
            ok
              ? style.green(`✓ no errors (${findings.length - errors} warning(s))`)
              : style.red(`✗ ${errors} error(s), ${findings.length - errors} warning(s)`),
          );
          ctx.stdout.write(`${lines.join('\n')}\n`);
        }
        ctx.exitCode = ok ? ExitCode.ok : ExitCode.findings;
      },
    );
}
