// Shared helpers for the side-by-side benchmarks: alternate runs, medians, ratio.
import { performance } from 'node:perf_hooks';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/**
 * Runs `ours` and `theirs` alternately `runs` times each (after one warm-up of each), timing
 * every run, and prints both medians and the ratio ours/theirs. Returns the numbers.
 */
export interface SideBySide {
  ours: () => Promise<unknown>;
  theirs: () => Promise<unknown>;
  runs?: number;
  oursName?: string;
  theirsName?: string;
}

export async function sideBySide(
  title: string,
  { ours, theirs, runs = 5, oursName = 'mercure-module-kit', theirsName = 'alternative' }: SideBySide,
): Promise<{ ours: number; theirs: number; ratio: number }> {
  await ours();
  await theirs();
  const times: { ours: number[]; theirs: number[] } = { ours: [], theirs: [] };
  for (let i = 0; i < runs; i++) {
    const order: ['ours' | 'theirs', () => Promise<unknown>][] =
      i % 2
        ? [
            ['theirs', theirs],
            ['ours', ours],
          ]
        : [
            ['ours', ours],
            ['theirs', theirs],
          ];
    for (const [key, fn] of order) {
      const start = performance.now();
      await fn();
      times[key].push((performance.now() - start) / 1000);
    }
  }
  const result = { ours: median(times.ours), theirs: median(times.theirs), ratio: 0 };
  result.ratio = result.ours / result.theirs;
  console.log(`${title}`);
  console.log(
    `  ${oursName.padEnd(28)} median ${result.ours.toFixed(3)} s  (${times.ours.map((t) => t.toFixed(2)).join(', ')})`,
  );
  console.log(
    `  ${theirsName.padEnd(28)} median ${result.theirs.toFixed(3)} s  (${times.theirs.map((t) => t.toFixed(2)).join(', ')})`,
  );
  console.log(`  ratio ours/theirs: ${result.ratio.toFixed(3)}`);
  return result;
}
