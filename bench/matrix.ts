// bench/matrix: the quick matrix of the example module (static checks, the cached build, the
// baseline and the 6 quick variants, each with mercure's startup probe and the output checks)
// against a bare `docker run` of the same image on the same 7 prewritten cases, one after the
// other. Prints both medians, and the share of the matrix's wall time spent outside the module's
// own containers (wall time minus the smoke runs' durationMs). Target: under 20%.
// Run: `npx tsx bench/matrix.ts` (after scripts/setup.sh). BENCH_RUNS changes the number of runs.
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { execa } from 'execa';
import { buildImage } from '../src/engine/build.js';
import { findSamples, variantsOf, writeVariant } from '../src/mercure/variants/index.js';
import { prepareCase } from '../src/pipeline/validation/case.js';
import { runMatrix } from '../src/pipeline/matrix.js';
import { median, sideBySide } from './lib.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const blur = path.join(root, 'examples/blur');
const buildArgs = { BASE_IMAGE: 'mmk-base/python-pydicom:bookworm' };
const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-matrix-'));
try {
  const { imageId } = await buildImage(new Docker(), { dir: blur, buildArgs });
  // The same cases the matrix runs, written once for the bare runs.
  const now = new Date();
  const ctx = { samples: await findSamples(), now, longSeriesSlices: 300 };
  const cases = [path.join(work, 'case-baseline')];
  await prepareCase(cases[0] as string, { level: 'series', settings: {}, dockerTag: imageId, now });
  for (const variant of variantsOf('quick')) {
    const dir = path.join(work, `case-${variant.name}`);
    await writeVariant(variant, { dir, moduleName: 'module-under-test', dockerTag: imageId, now }, ctx);
    cases.push(dir);
  }
  await execa('chmod', ['-R', 'a+rwX', work]);

  const shares: number[] = [];
  const walls: number[] = [];
  const containers: number[] = [];
  const ours = async () => {
    const report = await runMatrix({ dir: blur, buildArgs, tier: 'quick', recordTo: false });
    if (!report.ok)
      throw new Error(`the quick matrix failed: ${JSON.stringify(report.causes.map((c) => [c.key, c.variants]))}`);
    walls.push(report.timing.wallMs);
    containers.push(report.timing.containerMs);
    shares.push(1 - report.timing.containerMs / report.timing.wallMs);
  };
  let bare = 0;
  const theirs = async () => {
    for (const dir of cases) {
      const run = path.join(work, `bare-${bare++}`);
      await cp(dir, path.join(run, 'in'), { recursive: true });
      await mkdir(path.join(run, 'out'));
      await chmod(path.join(run, 'out'), 0o777);
      await execa('docker', [
        'run',
        '--rm',
        '--network',
        'none',
        '--cap-drop',
        'ALL',
        '--user',
        '38117:38117',
        '-v',
        `${path.join(run, 'in')}:/tmp/data`,
        '-v',
        `${path.join(run, 'out')}:/tmp/output`,
        '-e',
        'MERCURE_IN_DIR=/tmp/data',
        '-e',
        'MERCURE_OUT_DIR=/tmp/output',
        imageId,
      ]);
      await rm(run, { recursive: true, force: true });
    }
  };
  await sideBySide(`quick matrix of the example module (${cases.length} cases)`, {
    ours,
    theirs,
    runs,
    oursName: 'mercure-module validate --matrix',
    theirsName: `docker run x ${cases.length} (same cases)`,
  });
  // The warm-up run is the first entry: leave it out.
  const measured = (values: number[]) => values.slice(1);
  console.log(
    `  matrix wall time median ${(median(measured(walls)) / 1000).toFixed(2)} s, in the module's containers ${(median(measured(containers)) / 1000).toFixed(2)} s`,
  );
  console.log(
    `  share outside the module's containers: median ${(median(measured(shares)) * 100).toFixed(1)}% (${measured(shares)
      .map((s) => `${(s * 100).toFixed(0)}%`)
      .join(', ')}); target < 20%`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
