// bench/faults: releases through a fault proxy in front of a registry, ours (our own push: every
// request retried, chunks resumed from the registry's offset) against the Engine's push (publish
// --pusher engine: the Engine's `docker push`, run whole again on failure, which is all the Engine
// offers), alternately, with the same defaults for retries. Two ways of failing: a share of the
// requests at random (seeded), and every k-th request; each fault one of 503 (Retry-After: 0),
// 500, 429 (Retry-After / X-Retry-After), a connection reset before or after the registry acted, a
// body cut off, a 502 after the registry acted. Every release goes into a fresh registry (nothing
// to mount or skip), and is judged from the registry's state: completed (every tag on the image),
// failed cleanly (a clear error, nothing moved), or inconsistent. Target: 100% completed at 20%.
// Run: npx tsx bench/faults.ts   (BENCH_RELEASES=5 a side and mode, BENCH_RATE=0.2, BENCH_PERIOD=5)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { publish } from '../src/pipeline/publish.js';
import { MemoryLogger } from '../src/logger.js';
import { startFaultProxy, type FaultKind } from '../test/support/fault-proxy.js';
import { startRegistry } from '../test/support/registry.js';
import { judge, readState } from '../test/faults/outcomes.js';
import { median } from './lib.js';
import { buildModuleImages } from './module-image.js';

const RELEASES = Number(process.env['BENCH_RELEASES'] ?? 5);
const RATE = Number(process.env['BENCH_RATE'] ?? 0.2);
const PERIOD = Number(process.env['BENCH_PERIOD'] ?? 5);
const SEED = Number(process.env['BENCH_SEED'] ?? 14);
const KINDS: FaultKind[] = ['503', '500', '429', 'drop', 'drop-after', 'cut-body', '502-after'];
type Pusher = 'kit' | 'engine';
type Mode = { name: string; rate: number; periodic: boolean };
const MODES: Mode[] = [
  { name: `${RATE * 100}% of requests at random`, rate: RATE, periodic: false },
  { name: `every ${PERIOD}th request`, rate: 1 / PERIOD, periodic: true },
];

interface Release {
  outcome: 'completed' | 'failed-cleanly' | 'inconsistent';
  seconds: number;
  requests: number;
  faults: number;
  note: string;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-faults-'));
// A small module image (busybox base, ~40 MB of libraries and weights) so that a run is many releases, not one.
const images = await buildModuleImages(`pushbench-faults-${process.pid}`, {
  libraryMiB: 24,
  weightsMiB: 16,
  base: 'mmk-base/busybox:static',
});
let releases = 0;

/** One release of the image as 1.0.0 through a fresh fault proxy in front of a fresh registry. */
async function release(pusher: Pusher, mode: Mode): Promise<Release> {
  const n = ++releases;
  const registry = await startRegistry();
  let count = 0;
  const proxy = await startFaultProxy({
    target: registry.host,
    rate: mode.periodic ? 0 : mode.rate,
    seed: SEED * 1000 + n,
    kinds: KINDS,
    ...(mode.periodic
      ? { decide: () => (++count % PERIOD === 0 ? (KINDS[(count / PERIOD) % KINDS.length] ?? '503') : 'pass') }
      : {}),
  });
  const repository = `bench/faults-${n}`;
  try {
    const before = await readState(registry.host, repository);
    const start = performance.now();
    const run = await publish({
      image: `${proxy.host}/${repository}`,
      version: '1.0.0',
      source: images.v1,
      skipValidate: true,
      pusher,
      logger: new MemoryLogger(),
      layerCacheDir: path.join(work, `cache-${n}`),
    }).then(
      (result) => ({ result, version: '1.0.0' }),
      (error: unknown) => ({ error, version: '1.0.0' }),
    );
    const seconds = (performance.now() - start) / 1000;
    const judged = await judge(registry.host, repository, before, await readState(registry.host, repository), run);
    const error = 'error' in run ? run.error : undefined;
    return {
      outcome: judged.outcome,
      seconds,
      requests: proxy.stats.requests,
      faults: proxy.stats.faults,
      note: judged.problems.join('; ') || (error instanceof Error ? (error.message.split('\n')[0] ?? '') : ''),
    };
  } finally {
    await proxy.close();
    await registry.stop();
    // The Engine's push tags the image locally under the target's name: only that tag goes.
    if (pusher === 'engine')
      await execa('docker', ['rmi', '--no-prune', `${proxy.host}/${repository}:1.0.0`], { reject: false });
  }
}

try {
  const summary: Record<string, Record<Pusher, { completed: number; tried: number; medianSeconds: number }>> = {};
  for (const mode of MODES) {
    const got: Record<Pusher, Release[]> = { kit: [], engine: [] };
    for (let i = 0; i < RELEASES; i++)
      for (const pusher of i % 2 ? (['engine', 'kit'] as const) : (['kit', 'engine'] as const))
        got[pusher].push(await release(pusher, mode));
    console.log(`releases through a proxy failing ${mode.name} (${KINDS.join(', ')})`);
    const row = {
      kit: { completed: 0, tried: 0, medianSeconds: 0 },
      engine: { completed: 0, tried: 0, medianSeconds: 0 },
    };
    summary[mode.name] = row;
    for (const pusher of ['kit', 'engine'] as const) {
      const runs = got[pusher];
      const completed = runs.filter((r) => r.outcome === 'completed');
      const inconsistent = runs.filter((r) => r.outcome === 'inconsistent');
      const faults = runs.reduce((sum, r) => sum + r.faults, 0);
      const requests = runs.reduce((sum, r) => sum + r.requests, 0);
      const seconds = median(completed.map((r) => r.seconds));
      row[pusher] = { completed: completed.length, tried: runs.length, medianSeconds: seconds };
      console.log(
        `  ${(pusher === 'kit' ? 'ours (--pusher kit)' : "the Engine's (--pusher engine)").padEnd(32)} completed ${completed.length}/${runs.length}, ` +
          `failed cleanly ${runs.length - completed.length - inconsistent.length}, inconsistent ${inconsistent.length}; ` +
          `median ${completed.length ? seconds.toFixed(2) : '-'} s a completed release; ${faults} faults in ${requests} requests`,
      );
      for (const r of runs.filter((x) => x.outcome !== 'completed')) console.log(`    ${r.outcome}: ${r.note}`);
    }
  }
  console.log(JSON.stringify({ releases: RELEASES, rate: RATE, period: PERIOD, seed: SEED, summary }));
} finally {
  await images.remove();
  await rm(work, { recursive: true, force: true });
}
