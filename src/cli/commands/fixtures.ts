import type { Command } from 'commander';
import { ModuleError } from '../../errors.js';
import { prepareCase, writingCase } from '../../pipeline/validation/case.js';
import { readInputFolder } from '../../mercure/input-listing.js';
import {
  DEFAULT_LONG_SERIES_SLICES,
  VARIANTS,
  findSamples,
  findVariant,
  writeVariant,
} from '../../mercure/variants/index.js';
import type { CliContext } from '../context.js';
import { parseCount, parseLevel, parseSettings, MAX_MATRIX, MAX_SLICES } from '../options.js';

interface FixtureFlags {
  level: 'series' | 'study';
  settings?: Record<string, unknown>;
  from?: string;
  slices: number;
  matrix: number;
  dockerTag: string;
  variant?: string;
  listVariants?: boolean;
  longSeries?: number;
  json?: boolean;
}

/** `mercure-module fixtures OUT`: write a mercure-style input folder (or one matrix variant) to run a module on by hand. */
export function registerFixtures(program: Command, ctx: CliContext): void {
  program
    .command('fixtures')
    .description(
      'Write a mercure-style input folder (DICOM + .tags + task.json): synthetic, from your DICOM files, or one variant of the matrix.',
    )
    .argument('[out]', 'folder to create (must be new or empty)')
    .option(
      '--level <level>',
      'series (one series) or study (CT + MR, or every series of --from)',
      parseLevel,
      'series',
    )
    .option('--settings <json>', 'processing settings for task.json, as JSON or @file.json', parseSettings)
    .option('--from <dir>', 'turn this folder of DICOM files into the input folder instead of synthesizing')
    .option('--slices <n>', 'slices per synthetic series', parseCount('--slices', MAX_SLICES), 12)
    .option('--matrix <n>', 'rows and columns of synthetic images', parseCount('--matrix', MAX_MATRIX), 128)
    .option('--docker-tag <tag>', 'the module docker_tag written into task.json', 'module-under-test:latest')
    .option('--variant <name>', 'write this variant of the validate --matrix fixture matrix (its own level)')
    .option('--list-variants', 'list the variants of the matrix and exit')
    .option(
      '--long-series <n>',
      'slices of the long-series variant',
      parseCount('--long-series', MAX_SLICES),
      DEFAULT_LONG_SERIES_SLICES,
    )
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ mercure-module fixtures ./case --slices 200 --matrix 512
  $ mercure-module fixtures ./case --from ~/anonymised-ct --settings '{"radius": 2}'
  $ mercure-module fixtures --list-variants
  $ mercure-module fixtures ./case --variant missing-series-description
  $ docker run --rm -v $PWD/case:/tmp/data -v $PWD/out:/tmp/output -e MERCURE_IN_DIR=/tmp/data -e MERCURE_OUT_DIR=/tmp/output acme/blur:1`,
    )
    .action(async (out: string | undefined, opts: FixtureFlags) => {
      if (opts.listVariants) {
        const list = VARIANTS.map(({ name, tier, source, level, description, exercises }) => ({
          name,
          tier,
          source,
          level,
          description,
          exercises,
        }));
        ctx.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${listText(list)}\n`);
        return;
      }
      if (out === undefined)
        throw new ModuleError('missing-argument', 'fixtures needs the folder to write (OUT)', {
          hint: 'e.g. mercure-module fixtures ./case',
        });
      if (opts.variant !== undefined) {
        if (opts.from) throw new ModuleError('bad-option', '--variant and --from both say what to write: give one');
        const variant = findVariant(opts.variant);
        const now = new Date();
        const samples = await findSamples();
        await writingCase(out, ctx.signal, () =>
          writeVariant(
            variant,
            {
              dir: out,
              moduleName: 'module-under-test',
              dockerTag: opts.dockerTag,
              settings: opts.settings ?? {},
              now,
              signal: ctx.signal,
            },
            { samples, now, longSeriesSlices: opts.longSeries ?? DEFAULT_LONG_SERIES_SLICES },
          ),
        );
      } else {
        await prepareCase(out, {
          level: opts.level,
          settings: opts.settings ?? {},
          dockerTag: opts.dockerTag,
          slices: opts.slices,
          matrix: opts.matrix,
          ...(opts.from ? { fixtures: opts.from } : {}),
          signal: ctx.signal,
        });
      }
      const listing = await readInputFolder(out);
      const summary = {
        dir: out,
        ...(opts.variant ? { variant: opts.variant } : {}),
        files: listing.files.length,
        series: [...new Set(listing.files.map((f) => f.seriesInstanceUid))],
      };
      const what = opts.variant ? `variant ${opts.variant}: ` : '';
      ctx.stdout.write(
        opts.json
          ? `${JSON.stringify(summary, null, 2)}\n`
          : `${what}wrote ${summary.files} DICOM file(s) in ${summary.series.length} series to ${out}\n`,
      );
    });
}

/** The variant list as a table: name, tier, source, level, then what it holds. */
function listText(list: { name: string; tier: string; source: string; level: string; description: string }[]): string {
  const width = Math.max(...list.map((v) => v.name.length));
  return list
    .map(
      (v) =>
        `${v.name.padEnd(width)}  ${v.tier.padEnd(5)}  ${v.source.padEnd(9)}  ${v.level.padEnd(6)}  ${v.description}`,
    )
    .join('\n');
}
