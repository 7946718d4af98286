import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { ModuleError } from '../../errors.js';
import type { VariantTier } from '../../mercure/variants/index.js';
import { runMatrix } from '../../pipeline/matrix.js';
import { validate, type ValidateOptions } from '../../pipeline/validate.js';
import { addServerPlatformOption, platformOptions, type PlatformFlags } from './platform-options.js';
import { addBuildOptions, buildSettings, type BuildFlags } from '../build-options.js';
import type { CliContext } from '../context.js';
import { collectBuildArg, parseCount, MAX_SLICES } from '../options.js';
import { addSmokeOptions, smokeOptions, type SmokeFlags } from './shared-options.js';
import { renderMatrix, renderValidation } from '../../report/render.js';
import { styleFor } from '../../report/style.js';
import { reportFile } from '../report-file.js';
import { TerminalLogger } from '../terminal-logger.js';

interface ValidateFlags extends SmokeFlags, BuildFlags, PlatformFlags {
  image?: string;
  imageName?: string;
  json?: boolean;
  verbose?: boolean;
  matrix?: VariantTier | true;
  matrixSource?: string;
  longSeries?: number;
  scope?: string;
}

/** `--matrix [quick|full]`. */
function parseTier(value: string): VariantTier {
  if (value !== 'quick' && value !== 'full') {
    throw new ModuleError('bad-matrix', `--matrix must be "quick" or "full", got "${value}"`, {
      hint: 'Put the module folder before --matrix (`validate ./my-module --matrix`): a word after --matrix is read as the tier.',
    });
  }
  return value;
}

/** `mercure-module validate [DIR]`: static checks, build, and a smoke run as mercure 0.4.1 runs it. */
export function registerValidate(program: Command, ctx: CliContext): void {
  const command = program
    .command('validate')
    .description('Check a module, build it and run it on a mercure-style case exactly as mercure runs it.')
    .argument('[dir]', 'module folder (default: . when no --image is given)')
    .option('--image <tag>', 'validate this image instead of building DIR')
    .option('--image-name <name>', 'the name the module is published as (checks the Makefile agrees)')
    .option('--dockerfile <path>', 'Dockerfile relative to DIR')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collectBuildArg, {});
  addServerPlatformOption(addSmokeOptions(addBuildOptions(command)))
    .option('--matrix [tier]', 'run once per variant of the DICOM fixture matrix: quick (default) or full', parseTier)
    .option(
      '--matrix-source <dir>',
      'add your own anonymised cases to the matrix: one subfolder per variant (implies --matrix)',
    )
    .option(
      '--long-series <n>',
      'slices of the long-series variant (default 300)',
      parseCount('--long-series', MAX_SLICES),
    )
    .option(
      '--scope <file>',
      "the module's declared scope (default: DIR/mercure-module.json); variants outside it are skipped",
    )
    .option('--json', 'print the report as JSON')
    .option('-v, --verbose', 'show build output')
    .addHelpText(
      'after',
      `
Examples:
  $ mercure-module validate ./my-module --build-arg BASE_IMAGE=python:3.12-slim-bookworm
  $ mercure-module validate --image acme/blur:1.2.3 --settings '{"radius": 2}' --level study
  $ mercure-module validate . --fixtures ~/anonymised-ct --timeout 120 --json
  $ mercure-module validate . --matrix                 # the quick matrix: the variants most likely to break a module
  $ mercure-module validate . --matrix full --matrix-source ~/anonymised-cases`,
    )
    .action(async (dir: string | undefined, opts: ValidateFlags) => {
      const logger = new TerminalLogger(ctx.stderr, opts.verbose === true, opts.json === true);
      const options: ValidateOptions = {
        ...(dir !== undefined ? { dir } : {}),
        ...(opts.image ? { image: opts.image } : {}),
        ...(opts.imageName ? { imageName: opts.imageName } : {}),
        ...buildSettings(opts),
        ...smokeOptions(opts),
        ...platformOptions(opts),
        logger,
        signal: ctx.signal,
      };
      if (opts.matrix === undefined && opts.matrixSource === undefined) {
        for (const [flag, set] of [
          ['--long-series', opts.longSeries],
          ['--scope', opts.scope],
        ] as const) {
          if (set !== undefined) throw new ModuleError('bad-option', `${flag} applies to the matrix: add --matrix`);
        }
        await reportFile.check(opts.report);
        const report = await validate(options);
        await reportFile.write(opts.report, report, logger);
        ctx.stdout.write(
          opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderValidation(report, styleFor(ctx.stdout))}\n`,
        );
        ctx.exitCode = report.ok ? ExitCode.ok : ExitCode.findings;
        return;
      }
      if (opts.report !== undefined)
        throw new ModuleError('bad-option', '--report draws one validation: leave out --matrix, or --report');
      const report = await runMatrix({
        ...options,
        tier: opts.matrix === 'full' ? 'full' : 'quick',
        ...(opts.matrixSource ? { source: opts.matrixSource } : {}),
        ...(opts.longSeries !== undefined ? { longSeriesSlices: opts.longSeries } : {}),
        ...(opts.scope ? { scopeFile: opts.scope } : {}),
      });
      ctx.stdout.write(
        opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderMatrix(report, styleFor(ctx.stdout))}\n`,
      );
      ctx.exitCode = report.ok ? ExitCode.ok : ExitCode.findings;
    });
}
