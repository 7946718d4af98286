import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { checkFloatingMove, planTags, type TagPlanOptions } from '../../src/release/index.js';

/** A registry reduced to what the rules see: tag -> the version of the image it points at. */
class FakeRepository {
  readonly tags = new Map<string, string>();

  publish(version: string, options: TagPlanOptions = {}): ReturnType<typeof planTags> {
    const plan = planTags(version, [...this.tags.keys()], options);
    for (const { tag } of plan.tags) this.tags.set(tag, plan.version);
    return plan;
  }

  where(...tags: string[]): Record<string, string | undefined> {
    return Object.fromEntries(tags.map((tag) => [tag, this.tags.get(tag)]));
  }
}

describe('the end-to-end release sequence', () => {
  it('publishes 1.0.0, 1.1.0, 1.0.1, 2.0.0-rc.1, 2.0.0 and keeps every floating tag on the newest it covers', () => {
    const repo = new FakeRepository();
    const watched = ['1', '1.0', '1.1', '2', 'latest'];

    expect(repo.publish('v1.0.0').tags.map((t) => t.tag)).toEqual(['1.0.0', '1.0', '1', 'latest']);
    expect(repo.where(...watched)).toEqual({
      '1': '1.0.0',
      '1.0': '1.0.0',
      '1.1': undefined,
      '2': undefined,
      latest: '1.0.0',
    });

    expect(repo.publish('v1.1.0').tags.map((t) => t.tag)).toEqual(['1.1.0', '1.1', '1', 'latest']);
    expect(repo.where(...watched)).toEqual({
      '1': '1.1.0',
      '1.0': '1.0.0',
      '1.1': '1.1.0',
      '2': undefined,
      latest: '1.1.0',
    });

    const hotfix = repo.publish('v1.0.1');
    expect(hotfix.tags.map((t) => t.tag)).toEqual(['1.0.1', '1.0']);
    expect(hotfix.skipped.map((s) => s.tag)).toEqual(['1', 'latest']);
    expect(repo.where(...watched)).toEqual({
      '1': '1.1.0',
      '1.0': '1.0.1',
      '1.1': '1.1.0',
      '2': undefined,
      latest: '1.1.0',
    });

    const rc = repo.publish('v2.0.0-rc.1');
    expect(rc.tags.map((t) => t.tag)).toEqual(['2.0.0-rc.1']);
    expect(rc.skipped.map((s) => s.tag)).toEqual(['2.0', '2', 'latest']);
    expect(repo.where(...watched)).toEqual({
      '1': '1.1.0',
      '1.0': '1.0.1',
      '1.1': '1.1.0',
      '2': undefined,
      latest: '1.1.0',
    });

    expect(repo.publish('v2.0.0').tags.map((t) => t.tag)).toEqual(['2.0.0', '2.0', '2', 'latest']);
    expect(repo.where(...watched)).toEqual({
      '1': '1.1.0',
      '1.0': '1.0.1',
      '1.1': '1.1.0',
      '2': '2.0.0',
      latest: '2.0.0',
    });
  });
});

// A small deterministic generator: the same sequences on every run, no clock or Math.random.
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const POOL = [
  '0.9.0',
  '0.9.1',
  '1.0.0',
  '1.0.1',
  '1.1.0',
  '1.1.1-rc.1',
  '1.1.1',
  '2.0.0-rc.1',
  '2.0.0-rc.2',
  '2.0.0',
  '2.0.1',
  '3.0.0-beta.1',
];

describe('forward only, over many publish orders', () => {
  it('after any order (with re-publishes) every floating tag holds the newest version it covers, and never moved back', () => {
    const random = lcg(20240501);
    const options: TagPlanOptions = { majorZero: true, channel: 'next' };
    for (let run = 0; run < 300; run += 1) {
      const repo = new FakeRepository();
      const published: string[] = [];
      for (let step = 0; step < 10; step += 1) {
        const version = POOL[Math.floor(random() * POOL.length)] ?? '1.0.0';
        const before = new Map(repo.tags);
        const plan = repo.publish(version, options);
        published.push(version);

        for (const { tag, kind } of plan.tags) {
          if (kind === 'version' || kind === 'sha') continue;
          const was = before.get(tag);
          // The just-before-the-move re-check agrees with the plan on every tag the plan moves.
          const check = checkFloatingMove(
            tag,
            was === undefined ? { state: 'absent' } : { state: 'present', versionLabel: was },
            version,
            options,
          );
          expect(check.verdict, `${published.join(' ')}: ${tag}`).toBe('forward');
          if (was !== undefined)
            expect(semver.gte(version, was), `${tag} moved back from ${was} to ${version}`).toBe(true);
        }
        for (const [tag, at] of repo.tags) {
          const expected = newestCovered(tag, published);
          if (expected !== undefined) expect(at, `${published.join(' ')}: ${tag}`).toBe(expected);
        }
      }
    }
  });
});

// What a floating tag should hold after `published`, straight from the definitions; undefined for fixed tags.
function newestCovered(tag: string, published: readonly string[]): string | undefined {
  const releases = published.filter((v) => semver.prerelease(v) === null);
  let covered: string[];
  if (tag === 'latest') covered = releases;
  else if (tag === 'next') covered = [...published];
  else if (/^\d+$/.test(tag)) covered = releases.filter((v) => semver.major(v) === Number(tag));
  else if (/^\d+\.\d+$/.test(tag)) covered = releases.filter((v) => v.startsWith(`${tag}.`));
  else return undefined;
  return semver.rsort([...new Set(covered)])[0];
}
