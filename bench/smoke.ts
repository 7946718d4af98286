// bench/smoke: the smoke run of the example module on a 200-slice series (probe, run, output and
// input checks) against a bare `docker run` of the same image with the same mounts and
// environment. Target: ratio at most 1.15. Run: `npx tsx bench/smoke.ts` (after scripts/setup.sh).
import { chmod, cp, mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { execa } from 'execa';
import { buildImage } from '../src/engine/build.js';
import { prepareCase } from '../src/pipeline/validation/case.js';
import { validate } from '../src/pipeline/validate.js';
import { sideBySide } from './lib.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const slices = Number(process.env.BENCH_SLICES ?? 200);
const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-smoke-'));
try {
  const { imageId } = await buildImage(new Docker(), {
    dir: path.join(root, 'examples/blur'),
    buildArgs: { BASE_IMAGE: 'mmk-base/python-pydicom:bookworm' },
  });
  const fixtures = path.join(work, 'case');
  await prepareCase(fixtures, { level: 'series', settings: {}, dockerTag: imageId, slices, matrix: 512 });

  const ours = async () => {
    const report = await validate({ image: imageId, fixtures, recordTo: false, timeoutSeconds: 600 });
    if (!report.ok) throw new Error(`smoke run failed: ${JSON.stringify(report.findings)}`);
  };
  const theirs = async () => {
    const run = await mkdtemp(path.join(work, 'bare-'));
    const inDir = path.join(run, 'in');
    const outDir = path.join(run, 'out');
    await cp(fixtures, inDir, { recursive: true });
    await mkdir(outDir);
    await chmod(outDir, 0o777);
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
      `${inDir}:/tmp/data`,
      '-v',
      `${outDir}:/tmp/output`,
      '-e',
      'MERCURE_IN_DIR=/tmp/data',
      '-e',
      'MERCURE_OUT_DIR=/tmp/output',
      imageId,
    ]);
    await rm(run, { recursive: true, force: true });
  };
  await execa('chmod', ['-R', 'a+rwX', fixtures]);
  await sideBySide(`smoke run, example module, ${slices} slices of 512x512`, {
    ours,
    theirs,
    oursName: 'mercure-module validate',
    theirsName: 'docker run (same mounts)',
  });
} finally {
  await rm(work, { recursive: true, force: true });
}
