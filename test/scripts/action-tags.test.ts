// The kit's own v1 / v1.2 tags move forward only: named rows, as for a module's image tags.
import { describe, expect, it } from 'vitest';
import { planActionTags } from '../../scripts/action-tags.js';

const moved = (release: string, existing: string[]) =>
  planActionTags(release, [release, ...existing]).move.map((t) => t.tag);

describe('planActionTags', () => {
  const rows: [name: string, release: string, existing: string[], move: string[]][] = [
    ['at01 the first release moves v1.0 and v1', 'v1.0.0', [], ['v1.0', 'v1']],
    ['at02 a newer patch moves both', 'v1.2.4', ['v1.2.3', 'v1.2', 'v1'], ['v1.2', 'v1']],
    ['at03 a new minor moves both', 'v1.3.0', ['v1.2.4', 'v1.2', 'v1'], ['v1.3', 'v1']],
    ['at04 an old patch after a newer minor moves v1.2 only, never v1 back', 'v1.2.5', ['v1.3.0', 'v1.2.4'], ['v1.2']],
    ['at05 an old patch behind a newer patch moves nothing', 'v1.2.3', ['v1.2.4'], []],
    ['at06 a prerelease moves nothing', 'v1.3.0-rc.1', ['v1.2.4'], []],
    ['at07 v2.0.0 moves v2 and leaves v1 where it is', 'v2.0.0', ['v1.9.9'], ['v2.0', 'v2']],
    ['at08 a re-run of the newest moves them again (idempotent)', 'v1.2.4', ['v1.2.4', 'v1.2.3'], ['v1.2', 'v1']],
    ['at09 other tags are ignored', 'v1.1.0', ['docs', 'release-2020', 'v1.0.0'], ['v1.1', 'v1']],
  ];
  it.each(rows)('%s', (_name, release, existing, move) => {
    expect(moved(release, existing)).toEqual(move);
  });

  it('says why a tag stays', () => {
    const plan = planActionTags('v1.2.5', ['v1.2.5', 'v1.3.0']);
    expect(plan.keep.map((k) => k.tag)).toEqual(['v1']);
    expect(plan.keep[0]?.reason).toContain('v1.3.0 is published and newer than v1.2.5');
  });

  it('refuses what is not a release tag', () => {
    expect(() => planActionTags('1.2.3', [])).toThrow('not a release tag');
    expect(() => planActionTags('v1.2', [])).toThrow(/not a semantic version/);
  });
});
