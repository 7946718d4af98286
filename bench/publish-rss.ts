// bench/publish-rss: the peak memory of our push of an image with one 1 GB layer (model weights,
// which gzip hardly shrinks) into an empty registry: the publish runs in a child process of its own
// (the compiled library under build/, no TypeScript loader), measured by /usr/bin/time -v and by the
// child's own process.resourceUsage().maxRSS; a child that only loads the library gives the floor.
// The layer streams from the Engine's export through compression into the upload: memory is meant
// to stay bounded by pieces and chunks, not grow with the layer. Target: at most 250 MB.
// Run: npm run build && npx tsx bench/publish-rss.ts   (BENCH_LAYER_MB=1024)
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startRegistry } from '../test/support/registry.js';
import { prng, writeWeights } from './module-image.js';

const LAYER_MB = Number(process.env['BENCH_LAYER_MB'] ?? 1024);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = path.join(root, 'build/pipeline/publish.js');
if (!existsSync(library)) throw new Error('run `npm run build` first: the child runs the compiled library');

/** Runs `code` (an ES module) in a child under /usr/bin/time -v; returns time's and the child's own peak RSS in MB. */
async function measured(code: string): Promise<{ timeMB: number; selfMB: number; seconds: number }> {
  const result = await execa('/usr/bin/time', ['-v', process.execPath, '--input-type=module', '-e', code], {
    cwd: root,
    all: false,
  });
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1];
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(result.stderr);
  const self = /maxRSS (\d+)/.exec(result.stdout)?.[1];
  return {
    timeMB: Number(kb) / 1024,
    selfMB: Number(self) / 1024,
    seconds: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : Number.NaN,
  };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-rss-'));
const tag = `pushbench-rss-${process.pid}:v1`;
const registry = await startRegistry();
try {
  console.log(`building an image with one ${LAYER_MB} MiB layer ...`);
  await writeWeights(path.join(dir, 'weights.bin'), LAYER_MB * 1024 * 1024, prng('rss'));
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM mmk-base/busybox:static\nCOPY weights.bin /opt/model/\n');
  await execa('docker', ['build', '--quiet', '--tag', tag, '.'], { cwd: dir, env: { DOCKER_BUILDKIT: '0' } });
  await rm(path.join(dir, 'weights.bin'));
  const print = 'console.log(`maxRSS ${process.resourceUsage().maxRSS}`)';
  const floor = await measured(`await import(${JSON.stringify(library)}); ${print}`);
  const options = {
    image: `${registry.host}/bench/rss`,
    version: '1.0.0',
    source: tag,
    skipValidate: true,
    layerCacheDir: path.join(dir, 'cache'),
  };
  const push = await measured(
    `const { publish } = await import(${JSON.stringify(library)}); await publish(${JSON.stringify(options)}); ${print}`,
  );
  console.log(`peak RSS, publish of an image with a ${LAYER_MB} MiB layer (our push), into an empty registry:`);
  console.log(
    `  ${push.timeMB.toFixed(0)} MiB (/usr/bin/time -v), ${push.selfMB.toFixed(0)} MiB (maxRSS), in ${push.seconds.toFixed(1)} s`,
  );
  console.log(`  the library loaded and nothing done: ${floor.timeMB.toFixed(0)} MiB`);
  console.log(`target: at most 250 MB (${((push.timeMB * 1024 * 1024) / 1e6).toFixed(0)} MB)`);
  console.log(
    JSON.stringify({ layerMB: LAYER_MB, peakMiB: push.timeMB, selfMiB: push.selfMB, floorMiB: floor.timeMB }),
  );
} finally {
  await registry.stop();
  await execa('docker', ['rmi', tag], { reject: false });
  await rm(dir, { recursive: true, force: true });
}
