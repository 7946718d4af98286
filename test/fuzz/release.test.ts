// Versions and tag plans under generated input: a clear error or a plan, and a plan never moves a
// floating tag backwards, never names an invalid tag, and always sets the version tag first.
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  covers,
  existingVersions,
  normaliseTagOptions,
  parseVersion,
  planTags,
  tryParseVersion,
  isDockerTag,
  type TagPlanOptions,
} from '../../src/release/index.js';
import { holds, textOf, valueOrModuleError } from './support.js';

const numbers = fc.constantFrom('0', '1', '2', '3', '10', '01', '999999999999999999999');
const semverLike = fc
  .tuple(
    fc.constantFrom('', 'v', 'refs/tags/', 'refs/tags/v', 'V', ' '),
    numbers,
    numbers,
    numbers,
    fc.option(textOf(['rc', '.', '1', 'beta', '-', 'alpha', '0', '01', 'x']), { nil: undefined }),
    fc.option(textOf(['build', '.', '5', 'sha', '-']), { nil: undefined }),
  )
  .map(
    ([p, a, b, c, pre, build]) =>
      `${p}${a}.${b}.${c}${pre === undefined ? '' : `-${pre}`}${build === undefined ? '' : `+${build}`}`,
  );
const versionInput = fc.oneof(semverLike, fc.string(), textOf(['1', '.', '2', '-', 'rc', '+', 'v']));

const affixes = fc.constantFrom('', '-gpu', '_cuda', '-', '.x');
const prefixes = fc.constantFrom('', 'py3-', 'gpu_', '-bad', 'a/b');
const options: fc.Arbitrary<TagPlanOptions> = fc.record(
  {
    majorZero: fc.boolean(),
    latest: fc.boolean(),
    channel: fc.constantFrom('next', 'edge', 'latest', '1.2', 'bad tag', 'rc'),
    extraTags: fc.array(fc.constantFrom('stable', 'lts', 'latest', '1', 'sha-1', '.x', 'next'), { maxLength: 3 }),
    shaTag: fc.constantFrom('0123456789abcdef', 'abc', 'ABCDEF0123', 'zzzzzzz'),
    prefix: prefixes,
    suffix: affixes,
  },
  { requiredKeys: [] },
);
const existingTag = fc.oneof(
  semverLike,
  fc.constantFrom('latest', '1', '1.2', 'next', 'next-gpu', 'latest-gpu', 'py3-latest', 'sha-0123456', 'main'),
  fc.tuple(prefixes, semverLike, affixes).map(([p, v, s]) => `${p}${v}${s}`),
  fc.string({ maxLength: 20 }),
);

describe('versions (fuzz)', () => {
  it('parse or refuse clearly; a parsed version round-trips and agrees with semver', () => {
    holds(
      fc.property(versionInput, (input) => {
        const v = valueOrModuleError(() => parseVersion(input));
        expect(v === undefined).toBe(tryParseVersion(input) === undefined);
        if (!v) return;
        expect(parseVersion(v.version)).toEqual({ ...v, full: v.version, build: [] });
        expect(semver.valid(v.version)).toBe(v.version);
        expect(isDockerTag(v.version) || v.version.length > 128).toBe(true);
      }),
    );
  });

  it('compare is a total order: antisymmetric and consistent with semver', () => {
    holds(
      fc.property(semverLike, semverLike, (a, b) => {
        const [va, vb] = [tryParseVersion(a), tryParseVersion(b)];
        if (!va || !vb) return;
        expect(Math.sign(compareVersions(va, vb))).toBe(-Math.sign(compareVersions(vb, va)));
        expect(Math.sign(compareVersions(va, vb))).toBe(semver.compare(va.version, vb.version));
      }),
    );
  });
});

describe('tag plans (fuzz)', () => {
  it('a plan or a clear error; never a floating tag moved backwards, never an invalid tag', () => {
    holds(
      fc.property(versionInput, fc.array(existingTag, { maxLength: 12 }), options, (version, existing, opts) => {
        const plan = valueOrModuleError(() => planTags(version, existing, opts));
        if (!plan) return;
        const v = parseVersion(version);
        const normalised = normaliseTagOptions(opts);
        const mine = existingVersions(existing, normalised.variant, normalised.channel);
        expect(plan.version).toBe(v.version);
        expect(plan.tags[0]?.kind).toBe('version');
        expect(new Set(plan.tags.map((t) => t.tag)).size).toBe(plan.tags.length);
        for (const tag of plan.tags) {
          expect(isDockerTag(tag.tag), tag.tag).toBe(true);
          if (tag.kind === 'version' || tag.kind === 'sha') continue;
          // Forward only: the new version is at least every version of its variant the tag covers.
          for (const other of mine.filter((e) => covers(tag.kind as never, v, e)))
            expect(compareVersions(v, other), `${tag.tag}: ${v.version} < ${other.version}`).toBeGreaterThanOrEqual(0);
          if (tag.kind !== 'channel') expect(v.isPrerelease).toBe(false);
        }
        for (const skipped of plan.skipped) expect(plan.tags.some((t) => t.tag === skipped.tag)).toBe(false);
      }),
    );
  });

  it('planning is deterministic and independent of the order of the existing tags', () => {
    holds(
      fc.property(semverLike, fc.array(existingTag, { maxLength: 8 }), options, (version, existing, opts) => {
        const first = valueOrModuleError(() => planTags(version, existing, opts));
        const reversed = valueOrModuleError(() => planTags(version, [...existing].reverse(), opts));
        expect(reversed).toEqual(first);
      }),
    );
  });
});
