// 50 publishes at a 20% fault rate: the registry behind seeded fault proxies (dropped connections
// before and after the registry acted, bodies cut off, 500/502/503, 429 with Retry-After or
// X-Retry-After, delays), for this tool's requests and the Docker Engine's push alike. Every run
// must complete with the right digest under every tag or fail with a clear ModuleError and no
// floating tag moved; a failed run is then run again without faults and must complete.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { publish } from '../../src/pipeline/publish.js';
import { MemoryLogger } from '../../src/logger.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { emptyTally, judge, readState, type Tally } from './outcomes.js';
import { seededRandom, tinyModule, untagPushed } from './support.js';

const registryHost = inject('registryHost');
const LANES = 10;
const PER_LANE = 5;
const RATE = 0.2;
const SEED = 6_2026;
const proxies: FaultProxy[] = [];
const failures: string[] = [];

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await untagPushed(proxies.map((p) => `${p.host}/`));
});

/** `count` distinct versions in a seeded random order (so some publishes come after newer ones), a few prereleases. */
function versions(random: () => number, count: number): string[] {
  const out = new Set<string>();
  for (let draw = 0; out.size < count && draw < 1000; draw++) {
    const v = `${1 + Math.floor(random() * 2)}.${Math.floor(random() * 4)}.${Math.floor(random() * 5)}`;
    out.add(random() < 0.1 ? `${v}-rc.1` : v);
  }
  return [...out];
}

const retriesIn = (logger: MemoryLogger) =>
  logger.lines.filter((l) => l.level === 'warn' && /trying again/.test(l.message)).length;

async function lane(index: number, tally: Tally): Promise<void> {
  const proxy = await startFaultProxy({ target: registryHost, rate: RATE, seed: SEED + index });
  proxies.push(proxy);
  const repository = `faults/lane${index}`;
  const image = `${proxy.host}/${repository}`;
  for (const version of versions(seededRandom(SEED * 7 + index), PER_LANE)) {
    const source = await tinyModule(version);
    const before = await readState(registryHost, repository);
    const logger = new MemoryLogger();
    tally.tried++;
    const run = await publish({
      image,
      version,
      source,
      skipValidate: true,
      logger,
      retry: { retries: 6, baseDelayMs: 20 },
    }).then(
      (result) => ({ result, version }),
      (error: unknown) => ({ error, version }),
    );
    tally.retries += retriesIn(logger);
    const judged = await judge(registryHost, repository, before, await readState(registryHost, repository), run);
    if (judged.outcome === 'inconsistent') {
      tally.inconsistent.push(`${repository} ${version}: ${judged.problems.join('; ')}`);
      continue;
    }
    if (judged.outcome === 'completed') {
      tally.completed++;
      continue;
    }
    tally.failedCleanly++;
    failures.push(`${version}: ${(run as { error?: Error }).error?.message ?? ''}`);
    // Re-runs are idempotent: the same command, once the registry behaves, finishes the job.
    proxy.setRate(0);
    const again = await publish({ image, version, source, skipValidate: true }).then(
      (result) => ({ result, version }),
      (error: unknown) => ({ error, version }),
    );
    proxy.setRate(RATE);
    const rerun = await judge(registryHost, repository, before, await readState(registryHost, repository), again);
    if (rerun.outcome === 'completed') tally.completedByRerun++;
    else
      tally.inconsistent.push(
        `${repository} ${version} re-run: ${rerun.problems.join('; ') || String((again as { error?: unknown }).error)}`,
      );
  }
}

describe('publish under registry faults', () => {
  test(`${LANES * PER_LANE} publishes at a ${RATE * 100}% fault rate: each completes with the right digest everywhere or fails cleanly`, async () => {
    const tally = emptyTally();
    const started = Date.now();
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, tally)));
    const faults = proxies.reduce((sum, p) => sum + p.stats.faults, 0);
    const requests = proxies.reduce((sum, p) => sum + p.stats.requests, 0);
    const engine = proxies.reduce(
      (acc, p) => ({ requests: acc.requests + p.stats.engine.requests, faults: acc.faults + p.stats.engine.faults }),
      { requests: 0, faults: 0 },
    );
    const kinds = proxies.reduce<Record<string, number>>((acc, p) => {
      for (const [kind, n] of Object.entries(p.stats.byKind)) acc[kind] = (acc[kind] ?? 0) + n;
      return acc;
    }, {});
    console.log(
      `publish under faults (seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(0)} s): tried ${tally.tried}, completed ${tally.completed}, ` +
        `failed cleanly ${tally.failedCleanly} (all ${tally.completedByRerun} completed by a re-run), inconsistent ${tally.inconsistent.length}, ` +
        `retries made ${tally.retries}; ${faults} faults in ${requests} requests (engine: ${engine.faults} in ${engine.requests}): ${JSON.stringify(kinds)}`,
    );
    if (failures.length) console.log(`clean failures:\n  ${failures.join('\n  ')}`);
    expect(tally.inconsistent).toEqual([]);
    expect(tally.tried).toBe(LANES * PER_LANE);
    expect(tally.completed + tally.failedCleanly).toBe(tally.tried);
    expect(tally.completedByRerun).toBe(tally.failedCleanly);
    expect(faults).toBeGreaterThan(requests * RATE * 0.6);
    expect(tally.retries).toBeGreaterThan(0);
  }, 900_000);
});
