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

/** What one run of a side measured: named figures (seconds, bytes...). */
export type Figures = Record<string, number>;

/**
 * Runs `ours` and `theirs` alternately (who goes first alternates), `warmups` untimed rounds and
 * then `runs` rounds; each run reports its own figures (several timings of one workflow, bytes).
 */
export async function alternately(
  { ours, theirs }: { ours: () => Promise<Figures>; theirs: () => Promise<Figures> },
  runs: number,
  warmups = 1,
): Promise<{ ours: Figures[]; theirs: Figures[] }> {
  const got: { ours: Figures[]; theirs: Figures[] } = { ours: [], theirs: [] };
  for (let i = -warmups; i < runs; i++) {
    const order = i % 2 ? (['theirs', 'ours'] as const) : (['ours', 'theirs'] as const);
    for (const key of order) {
      const figures = await (key === 'ours' ? ours : theirs)();
      if (i >= 0) got[key].push(figures);
    }
  }
  return got;
}

/** Prints both medians of one figure (seconds) and the ratio ours/theirs; returns them. */
export function compare(
  title: string,
  names: { ours: string; theirs: string },
  ours: number[],
  theirs: number[],
): { ours: number; theirs: number; ratio: number } {
  const result = { ours: median(ours), theirs: median(theirs), ratio: median(ours) / median(theirs) };
  const line = (name: string, value: number, all: number[]) =>
    `  ${name.padEnd(32)} median ${value.toFixed(3)} s  (${all.map((t) => t.toFixed(2)).join(', ')})`;
  console.log(`${title}\n${line(names.ours, result.ours, ours)}\n${line(names.theirs, result.theirs, theirs)}`);
  console.log(`  ratio ours/theirs: ${result.ratio.toFixed(3)}`);
  return result;
}
