import type { Command } from 'commander';
import { prepareCase } from '../../pipeline/case.js';
import { readInputFolder } from '../../mercure/input-listing.js';
import type { CliContext } from '../main.js';
import { parseCount, parseLevel, parseSettings } from '../options.js';

interface FixtureFlags {
  level: 'series' | 'study';
  settings?: Record<string, unknown>;
  from?: string;
  slices: number;
  matrix: number;
  dockerTag: string;
  json?: boolean;
}

/** `mercure-module fixtures OUT`: write a mercure-style input folder to run a module on by hand. */
export function registerFixtures(program: Command, ctx: CliContext): void {
  program
    .command('fixtures')
    .description('Write a mercure-style input folder (DICOM + .tags + task.json), synthetic or from your DICOM files.')
    .argument('<out>', 'folder to create (must be new or empty)')
    .option('--level <level>', 'series (one series) or study (CT + MR, or every series of --from)', parseLevel, 'series')
    .option('--settings <json>', 'processing settings for task.json, as JSON or @file.json', parseSettings)
    .option('--from <dir>', 'turn this folder of DICOM files into the input folder instead of synthesizing')
    .option('--slices <n>', 'slices per synthetic series', parseCount('--slices'), 12)
    .option('--matrix <n>', 'rows and columns of synthetic images', parseCount('--matrix'), 128)
    .option('--docker-tag <tag>', 'the module docker_tag written into task.json', 'module-under-test:latest')
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', '\nExamples:\n  $ mercure-module fixtures ./case --slices 200 --matrix 512\n  $ mercure-module fixtures ./case --from ~/anonymised-ct --settings \'{"radius": 2}\'\n  $ docker run --rm -v $PWD/case:/tmp/data -v $PWD/out:/tmp/output -e MERCURE_IN_DIR=/tmp/data -e MERCURE_OUT_DIR=/tmp/output acme/blur:1')
    .action(async (out: string, opts: FixtureFlags) => {
      await prepareCase(out, {
        level: opts.level,
        settings: opts.settings ?? {},
        dockerTag: opts.dockerTag,
        slices: opts.slices,
        matrix: opts.matrix,
        ...(opts.from ? { fixtures: opts.from } : {}),
      });
      const listing = await readInputFolder(out);
      const summary = { dir: out, files: listing.files.length, series: [...new Set(listing.files.map((f) => f.seriesInstanceUid))] };
      ctx.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `wrote ${summary.files} DICOM file(s) in ${summary.series.length} series to ${out}\n`);
    });
}
