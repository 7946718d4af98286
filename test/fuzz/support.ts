// Shared settings of the property-based tests: a fixed seed (the same cases on every run, so a
// failure replays), 10,000 cases a property unless MMK_FUZZ_RUNS says otherwise.
import fc from 'fast-check';
import { expect } from 'vitest';
import { isModuleError } from '../../src/errors.js';

/** Replay a failure: MMK_FUZZ_SEED=<seed printed by fast-check> npx vitest run test/fuzz/<file>. */
export const FUZZ = {
  seed: Number(process.env['MMK_FUZZ_SEED'] ?? 20_261_201),
  numRuns: Number(process.env['MMK_FUZZ_RUNS'] ?? 10_000),
} as const;

/** fc.assert with the suite's seed and case count. */
export function holds<T>(property: fc.IPropertyWithHooks<T> | fc.IProperty<T>, numRuns: number = FUZZ.numRuns): void {
  fc.assert(property, { seed: FUZZ.seed, numRuns });
}

/** fc.assert for an async property, with the suite's seed and case count. */
export async function holdsAsync<T>(property: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>): Promise<void> {
  await fc.assert(property, { seed: FUZZ.seed, numRuns: FUZZ.numRuns });
}

/**
 * The one property every part keeps: it returns, or throws a ModuleError (a clear message a person
 * can act on); any other exception is a bug. Returns the value, or undefined after a ModuleError.
 */
export function valueOrModuleError<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    expect(isModuleError(error), `not a ModuleError: ${(error as Error)?.stack ?? String(error)}`).toBe(true);
    return undefined;
  }
}

/** valueOrModuleError for async parts. */
export async function valueOrModuleErrorAsync<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    expect(isModuleError(error), `not a ModuleError: ${(error as Error)?.stack ?? String(error)}`).toBe(true);
    return undefined;
  }
}

/** Text from a vocabulary of meaningful pieces mixed with arbitrary characters, joined as given. */
export function textOf(pieces: readonly string[], separator = ''): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pieces) }, { weight: 1, arbitrary: fc.string() }), {
      maxLength: 12,
    })
    .map((parts) => parts.join(separator));
}
