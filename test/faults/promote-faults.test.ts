// 20 promotions at a 20% fault rate, from the suite's registry to a second one (blobs streamed
// across, never mounted), both behind seeded fault proxies. Each must end with the source's
// digest under every tag it names, or fail with a clear ModuleError and no floating tag moved.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { promote } from '../../src/pipeline/promote.js';
import { RegistryClient } from '../../src/registry/client.js';
import { MemoryLogger } from '../../src/logger.js';
import { pushImage, tinyImage } from '../registry/image-fixture.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { emptyTally, judge, readState, type Tally } from './outcomes.js';
import { seededRandom } from './support.js';

const sourceHost = inject('registryHost');
const LANES = 4;
const PER_LANE = 5;
const RATE = 0.2;
const SEED = 20_0620;
let target: TestRegistry;
const proxies: FaultProxy[] = [];
const failures: string[] = [];

beforeAll(async () => {
  target = await startRegistry();
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await target?.stop();
});

const retriesIn = (logger: MemoryLogger) =>
  logger.lines.filter((l) => l.level === 'warn' && /trying again/.test(l.message)).length;

async function lane(index: number, tally: Tally): Promise<void> {
  const random = seededRandom(SEED + index);
  const [from, to] = await Promise.all([
    startFaultProxy({ target: sourceHost, rate: RATE, seed: SEED * 3 + index }),
    startFaultProxy({ target: target.host, rate: RATE, seed: SEED * 5 + index }),
  ]);
  proxies.push(from, to);
  const staging = `faults-src/lane${index}`;
  const repository = `faults/promoted${index}`;
  const seen = new Set<string>();
  for (let draw = 0; seen.size < PER_LANE && draw < 1000; draw++) {
    const version = `${1 + Math.floor(random() * 2)}.${Math.floor(random() * 3)}.${Math.floor(random() * 4)}`;
    if (seen.has(version)) continue;
    seen.add(version);
    // Each version a distinct image with its own layer, pushed to staging without faults.
    const digest = await pushImage(
      new RegistryClient({ registry: sourceHost }),
      staging,
      tinyImage({ version, note: `lane ${index} ${version} ${'x'.repeat(2000)}` }),
      version,
    );
    const before = await readState(target.host, repository);
    const logger = new MemoryLogger();
    tally.tried++;
    const options = {
      from: `${from.host}/${staging}:${version}`,
      to: `${to.host}/${repository}`,
      version,
      revalidate: async () => true,
      logger,
    };
    const run = await promote({ ...options, retry: { retries: 6, baseDelayMs: 20 } }).then(
      (result) => ({ result, version, expectedDigest: digest }),
      (error: unknown) => ({ error, version, expectedDigest: digest }),
    );
    tally.retries += retriesIn(logger);
    const judged = await judge(target.host, repository, before, await readState(target.host, repository), run);
    if (judged.outcome === 'inconsistent')
      tally.inconsistent.push(`${repository} ${version}: ${judged.problems.join('; ')}`);
    else if (judged.outcome === 'completed') tally.completed++;
    else {
      tally.failedCleanly++;
      failures.push(`${version}: ${(run as { error?: Error }).error?.message ?? ''}`);
      from.setRate(0);
      to.setRate(0);
      const again = await promote({ ...options, logger: new MemoryLogger() }).then(
        (result) => ({ result, version, expectedDigest: digest }),
        (error: unknown) => ({ error, version, expectedDigest: digest }),
      );
      from.setRate(RATE);
      to.setRate(RATE);
      const rerun = await judge(target.host, repository, before, await readState(target.host, repository), again);
      if (rerun.outcome === 'completed') tally.completedByRerun++;
      else
        tally.inconsistent.push(
          `${repository} ${version} re-run: ${rerun.problems.join('; ') || String((again as { error?: unknown }).error)}`,
        );
    }
  }
}

describe('promote under registry faults', () => {
  test(`${LANES * PER_LANE} promotions at a ${RATE * 100}% fault rate: same digest under every tag, or a clean failure`, async () => {
    const tally = emptyTally();
    const started = Date.now();
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, tally)));
    const faults = proxies.reduce((sum, p) => sum + p.stats.faults, 0);
    const requests = proxies.reduce((sum, p) => sum + p.stats.requests, 0);
    console.log(
      `promote under faults (seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(0)} s): tried ${tally.tried}, completed ${tally.completed}, ` +
        `failed cleanly ${tally.failedCleanly} (all ${tally.completedByRerun} completed by a re-run), inconsistent ${tally.inconsistent.length}, ` +
        `retries made ${tally.retries}; ${faults} faults in ${requests} requests`,
    );
    if (failures.length) console.log(`clean failures:\n  ${failures.join('\n  ')}`);
    expect(tally.inconsistent).toEqual([]);
    expect(tally.tried).toBe(LANES * PER_LANE);
    expect(tally.completed + tally.failedCleanly).toBe(tally.tried);
    expect(tally.completedByRerun).toBe(tally.failedCleanly);
    expect(faults).toBeGreaterThan(requests * RATE * 0.6);
  }, 600_000);
});
