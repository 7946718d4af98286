import { describe, expect, it } from 'vitest';
import { isModuleError } from '../../src/errors.js';
import { planTags, type TagPlanOptions } from '../../src/release/index.js';

interface Row {
  name: string;
  version: string;
  existing: string[];
  options?: TagPlanOptions;
  /** Exactly the tags set, in plan order (version, minor, major, latest, channel, extras, sha). */
  tags?: string[];
  /** Exactly the floating tags left alone; [] when omitted. */
  skipped?: string[];
  /** The ModuleError code the plan must fail with, instead of tags. */
  error?: string;
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const DEFAULT_FLOATING = ['1', '1.0', '1.1', '2', 'latest', 'next', 'sha-abc1234', 'main', 'edge'];

const rows: Row[] = [
  // --- releases with nothing in the way ---
  { name: 'plan01 release from empty', version: '1.2.3', existing: [], tags: ['1.2.3', '1.2', '1', 'latest'] },
  { name: 'plan02 v-prefixed input', version: 'v1.2.3', existing: [], tags: ['1.2.3', '1.2', '1', 'latest'] },
  {
    name: 'plan03 refs/tags input',
    version: 'refs/tags/v1.2.3',
    existing: ['1.2.2'],
    tags: ['1.2.3', '1.2', '1', 'latest'],
  },
  {
    name: 'plan04 refs/tags input without v',
    version: 'refs/tags/1.2.3',
    existing: [],
    tags: ['1.2.3', '1.2', '1', 'latest'],
  },
  {
    name: 'plan05 next patch',
    version: '1.2.4',
    existing: ['1.2.3', '1.2', '1', 'latest'],
    tags: ['1.2.4', '1.2', '1', 'latest'],
  },
  {
    name: 'plan06 2.0.0 after 1.9.9',
    version: '2.0.0',
    existing: ['1.9.9', '1.9', '1', 'latest'],
    tags: ['2.0.0', '2.0', '2', 'latest'],
  },
  {
    name: 'plan07 1.0.0 after 0.x',
    version: '1.0.0',
    existing: ['0.9.0', '0.9', 'latest'],
    tags: ['1.0.0', '1.0', '1', 'latest'],
  },

  // --- 0.y.z ---
  {
    name: 'plan08 0.y.z without majorZero',
    version: '0.3.1',
    existing: [],
    tags: ['0.3.1', '0.3', 'latest'],
    skipped: ['0'],
  },
  {
    name: 'plan09 0.y.z with majorZero',
    version: '0.3.1',
    existing: [],
    options: { majorZero: true },
    tags: ['0.3.1', '0.3', '0', 'latest'],
  },
  {
    name: 'plan10 0.0.1 first release',
    version: '0.0.1',
    existing: [],
    tags: ['0.0.1', '0.0', 'latest'],
    skipped: ['0'],
  },
  {
    name: 'plan11 0.y minor bump with majorZero',
    version: '0.4.0',
    existing: ['0.3.9'],
    options: { majorZero: true },
    tags: ['0.4.0', '0.4', '0', 'latest'],
  },
  {
    name: 'plan12 0.y patch after newer 0.y minor',
    version: '0.3.2',
    existing: ['0.3.1', '0.4.0'],
    options: { majorZero: true },
    tags: ['0.3.2', '0.3'],
    skipped: ['0', 'latest'],
  },
  {
    name: 'plan13 0.y patch after 1.0.0',
    version: '0.9.1',
    existing: ['0.9.0', '1.0.0'],
    tags: ['0.9.1', '0.9'],
    skipped: ['0', 'latest'],
  },
  {
    name: 'plan14 majorZero has no effect on 1.x',
    version: '1.0.0',
    existing: [],
    options: { majorZero: true },
    tags: ['1.0.0', '1.0', '1', 'latest'],
  },

  // --- prereleases ---
  {
    name: 'plan15 prerelease without channel',
    version: '1.3.0-rc.1',
    existing: ['1.2.3'],
    tags: ['1.3.0-rc.1'],
    skipped: ['1.3', '1', 'latest'],
  },
  {
    name: 'plan16 prerelease with channel',
    version: '1.3.0-rc.1',
    existing: ['1.2.3'],
    options: { channel: 'next' },
    tags: ['1.3.0-rc.1', 'next'],
    skipped: ['1.3', '1', 'latest'],
  },
  {
    name: 'plan17 v-prefixed prerelease with channel',
    version: 'v2.0.0-beta.2',
    existing: ['2.0.0-beta.1', '1.4.0'],
    options: { channel: 'next' },
    tags: ['2.0.0-beta.2', 'next'],
    skipped: ['2.0', '2', 'latest'],
  },
  {
    name: 'plan18 older prerelease keeps channel',
    version: '1.3.0-rc.1',
    existing: ['1.3.0-rc.2'],
    options: { channel: 'next' },
    tags: ['1.3.0-rc.1'],
    skipped: ['1.3', '1', 'latest', 'next'],
  },
  {
    name: 'plan19 prerelease after its release keeps channel',
    version: '1.3.0-rc.2',
    existing: ['1.3.0'],
    options: { channel: 'next' },
    tags: ['1.3.0-rc.2'],
    skipped: ['1.3', '1', 'latest', 'next'],
  },
  {
    name: 'plan20 release moves channel past its prereleases',
    version: '1.3.0',
    existing: ['1.2.3', '1.3.0-rc.2'],
    options: { channel: 'next' },
    tags: ['1.3.0', '1.3', '1', 'latest', 'next'],
  },
  {
    name: 'plan21 old patch does not pull channel back',
    version: '1.2.4',
    existing: ['1.2.3', '1.3.0-rc.1'],
    options: { channel: 'next' },
    tags: ['1.2.4', '1.2', '1', 'latest'],
    skipped: ['next'],
  },
  {
    name: 'plan22 prerelease on 0.x withholds 0 for being a prerelease',
    version: '0.5.0-alpha.1',
    existing: [],
    options: { majorZero: true },
    tags: ['0.5.0-alpha.1'],
    skipped: ['0.5', '0', 'latest'],
  },

  // --- forward only ---
  {
    name: 'plan23 1.2.4 when 1.3.0 exists moves 1.2 only',
    version: '1.2.4',
    existing: ['1.2.3', '1.3.0', '1.2', '1.3', '1', 'latest'],
    tags: ['1.2.4', '1.2'],
    skipped: ['1', 'latest'],
  },
  {
    name: 'plan24 1.0.1 after 1.1.0',
    version: '1.0.1',
    existing: ['1.0.0', '1.1.0'],
    tags: ['1.0.1', '1.0'],
    skipped: ['1', 'latest'],
  },
  {
    name: 'plan25 old major patch after 2.0.0',
    version: '1.9.10',
    existing: ['1.9.9', '2.0.0'],
    tags: ['1.9.10', '1.9', '1'],
    skipped: ['latest'],
  },
  {
    name: 'plan26 republish 1.1.0 when it is highest',
    version: '1.1.0',
    existing: ['1.0.0', '1.1.0', '1.1', '1', 'latest'],
    tags: ['1.1.0', '1.1', '1', 'latest'],
  },
  {
    name: 'plan27 old version republished',
    version: '1.0.0',
    existing: ['1.0.0', '1.0.1', '1.1.0'],
    tags: ['1.0.0'],
    skipped: ['1.0', '1', 'latest'],
  },
  {
    name: 'plan28 old version republished is highest of its minor',
    version: '1.0.1',
    existing: ['1.0.0', '1.0.1', '1.1.0'],
    tags: ['1.0.1', '1.0'],
    skipped: ['1', 'latest'],
  },
  {
    name: 'plan29 prereleases in existing are ignored for floating',
    version: '1.2.4',
    existing: ['1.2.3', '1.3.0-rc.1', '2.0.0-beta.1', '1.2.5-rc.1'],
    tags: ['1.2.4', '1.2', '1', 'latest'],
  },
  {
    name: 'plan30 release after its own prereleases',
    version: '1.3.0',
    existing: ['1.3.0-rc.5', '1.3.1-rc.1'],
    tags: ['1.3.0', '1.3', '1', 'latest'],
  },
  {
    name: 'plan31 non-version existing tags are ignored',
    version: '1.0.0',
    existing: [...DEFAULT_FLOATING, 'v2', '2.0', 'nightly', '1.2.3_build.5'],
    tags: ['1.0.0', '1.0', '1', 'latest'],
  },
  {
    name: 'plan32 v-prefixed existing tags count',
    version: '1.2.4',
    existing: ['v1.3.0'],
    tags: ['1.2.4', '1.2'],
    skipped: ['1', 'latest'],
  },
  {
    name: 'plan33 build metadata dropped from the tag',
    version: '1.2.3+build.5',
    existing: [],
    tags: ['1.2.3', '1.2', '1', 'latest'],
  },
  {
    name: 'plan34 build metadata is the same version again',
    version: 'v1.2.3+build.6',
    existing: ['1.2.3', '1.2', '1', 'latest'],
    tags: ['1.2.3', '1.2', '1', 'latest'],
  },

  // --- latest=false ---
  {
    name: 'plan35 latest=false',
    version: '1.2.3',
    existing: [],
    options: { latest: false },
    tags: ['1.2.3', '1.2', '1'],
    skipped: ['latest'],
  },
  {
    name: 'plan36 latest=false on 0.x with majorZero',
    version: '0.3.1',
    existing: [],
    options: { latest: false, majorZero: true },
    tags: ['0.3.1', '0.3', '0'],
    skipped: ['latest'],
  },
  {
    name: 'plan37 latest=false and an older patch',
    version: '1.0.1',
    existing: ['1.1.0'],
    options: { latest: false },
    tags: ['1.0.1', '1.0'],
    skipped: ['1', 'latest'],
  },

  // --- extra and sha tags ---
  {
    name: 'plan38 extra tags on a release',
    version: '1.2.3',
    existing: [],
    options: { extraTags: ['stable', 'prod'] },
    tags: ['1.2.3', '1.2', '1', 'latest', 'stable', 'prod'],
  },
  {
    name: 'plan39 extra tag is not moved backwards',
    version: '1.0.1',
    existing: ['1.1.0', 'stable'],
    options: { extraTags: ['stable'] },
    tags: ['1.0.1', '1.0'],
    skipped: ['1', 'latest', 'stable'],
  },
  {
    name: 'plan40 extra tags are withheld from prereleases',
    version: '1.3.0-rc.1',
    existing: [],
    options: { extraTags: ['stable'] },
    tags: ['1.3.0-rc.1'],
    skipped: ['1.3', '1', 'latest', 'stable'],
  },
  {
    name: 'plan41 duplicate extra tags are set once',
    version: '1.2.3',
    existing: [],
    options: { extraTags: ['stable', 'stable'] },
    tags: ['1.2.3', '1.2', '1', 'latest', 'stable'],
  },
  {
    name: 'plan42 sha tag',
    version: '1.2.3',
    existing: [],
    options: { shaTag: SHA.toUpperCase() },
    tags: ['1.2.3', '1.2', '1', 'latest', 'sha-0123456'],
  },
  {
    name: 'plan43 sha tag on a prerelease',
    version: '1.3.0-rc.1',
    existing: [],
    options: { shaTag: SHA, channel: 'next' },
    tags: ['1.3.0-rc.1', 'next', 'sha-0123456'],
    skipped: ['1.3', '1', 'latest'],
  },
  {
    name: 'plan44 sha tag on an old republish',
    version: '1.0.0',
    existing: ['1.0.0', '1.0.1', '1.1.0'],
    options: { shaTag: 'abc1234' },
    tags: ['1.0.0', 'sha-abc1234'],
    skipped: ['1.0', '1', 'latest'],
  },

  // --- variants ---
  {
    name: 'plan45 suffix variant from empty',
    version: '1.2.3',
    existing: [],
    options: { suffix: '-gpu' },
    tags: ['1.2.3-gpu', '1.2-gpu', '1-gpu', 'latest-gpu'],
  },
  {
    name: 'plan46 prefix variant',
    version: 'v1.2.3',
    existing: ['1.2.3'],
    options: { prefix: 'py3-' },
    tags: ['py3-1.2.3', 'py3-1.2', 'py3-1', 'py3-latest'],
  },
  {
    name: 'plan47 suffix variant ignores the default variant',
    version: '1.2.4',
    options: { suffix: '-gpu' },
    existing: ['1.3.0', '1.3', '1', 'latest', '1.2.3-gpu', '1.2-gpu', '1-gpu', 'latest-gpu'],
    tags: ['1.2.4-gpu', '1.2-gpu', '1-gpu', 'latest-gpu'],
  },
  {
    name: 'plan48 suffix variant is forward only within itself',
    version: '1.2.4',
    options: { suffix: '-gpu' },
    existing: ['2.0.0', '1.2.3-gpu', '1.3.0-gpu', '1.3-gpu', '1-gpu', 'latest-gpu'],
    tags: ['1.2.4-gpu', '1.2-gpu'],
    skipped: ['1-gpu', 'latest-gpu'],
  },
  {
    name: 'plan49 default variant ignores suffixed tags',
    version: '1.2.4',
    existing: ['1.2.3', '1.3.0-gpu', '1.3-gpu', '1-gpu', 'latest-gpu'],
    tags: ['1.2.4', '1.2', '1', 'latest'],
  },
  {
    name: 'plan50 suffix variant prerelease channel',
    version: '2.0.0-rc.1',
    existing: ['1.9.0-gpu', '2.0.0-rc.2'],
    options: { suffix: '-gpu', channel: 'next' },
    tags: ['2.0.0-rc.1-gpu', 'next-gpu'],
    skipped: ['2.0-gpu', '2-gpu', 'latest-gpu'],
  },
  {
    name: 'plan51 suffix variant channel held back by its own prerelease',
    version: '1.2.5',
    existing: ['1.2.4-gpu', '1.3.0-rc.1-gpu'],
    options: { suffix: '-gpu', channel: 'edge' },
    tags: ['1.2.5-gpu', '1.2-gpu', '1-gpu', 'latest-gpu'],
    skipped: ['edge-gpu'],
  },
  {
    name: 'plan52 prefix and suffix with channel and sha',
    version: '2.0.0-rc.1',
    existing: [],
    options: { prefix: 'py3-', suffix: '-gpu', channel: 'next', shaTag: SHA },
    tags: ['py3-2.0.0-rc.1-gpu', 'py3-next-gpu', 'py3-sha-0123456-gpu'],
    skipped: ['py3-2.0-gpu', 'py3-2-gpu', 'py3-latest-gpu'],
  },
  {
    name: 'plan53 extra tags keep their raw names in a variant',
    version: '1.2.3',
    existing: [],
    options: { suffix: '-gpu', extraTags: ['stable-gpu'] },
    tags: ['1.2.3-gpu', '1.2-gpu', '1-gpu', 'latest-gpu', 'stable-gpu'],
  },
  {
    name: 'plan68 a variant prerelease never holds back the plain channel',
    version: '1.3.0-rc.1',
    existing: ['1.2.0', 'next', '1.3.0-rc.1-gpu', 'next-gpu'],
    options: { channel: 'next' },
    tags: ['1.3.0-rc.1', 'next'],
    skipped: ['1.3', '1', 'latest'],
  },
  {
    name: 'plan69 a newer variant release never holds back the plain channel',
    version: '1.3.0',
    existing: ['1.2.0', 'latest', 'edge', '1.3.1-gpu', '1-gpu', 'latest-gpu'],
    options: { channel: 'edge' },
    tags: ['1.3.0', '1.3', '1', 'latest', 'edge'],
  },
  {
    name: 'plan70 a prefix-and-suffix variant never holds back the prefix variant',
    version: '2.0.0-rc.1',
    existing: ['py3-1.9.0', 'py3-next', 'py3-2.0.0-rc.2-gpu', 'py3-next-gpu'],
    options: { prefix: 'py3-', channel: 'next' },
    tags: ['py3-2.0.0-rc.1', 'py3-next'],
    skipped: ['py3-2.0', 'py3-2', 'py3-latest'],
  },
  {
    name: 'plan71 without another variant in sight a suffixed prerelease still counts',
    version: '1.3.0-rc.1',
    existing: ['1.2.0', 'next', '1.3.0-rc.1-gpu'],
    options: { channel: 'next' },
    tags: ['1.3.0-rc.1'],
    skipped: ['1.3', '1', 'latest', 'next'],
  },
  {
    name: 'plan72 the plain variant still sees its own newer prerelease',
    version: '1.3.0-rc.1',
    existing: ['1.3.0-rc.2', 'next', 'next-gpu', '1.3.0-rc.1-gpu'],
    options: { channel: 'next' },
    tags: ['1.3.0-rc.1'],
    skipped: ['1.3', '1', 'latest', 'next'],
  },

  // --- refused inputs ---
  { name: 'plan54 invalid version', version: '1.2', existing: [], error: 'version-invalid' },
  { name: 'plan55 branch ref', version: 'refs/heads/main', existing: [], error: 'version-invalid' },
  {
    name: 'plan56 invalid extra tag',
    version: '1.2.3',
    existing: [],
    options: { extraTags: ['bad tag'] },
    error: 'docker-tag-invalid',
  },
  {
    name: 'plan57 extra tag starting with a dot',
    version: '1.2.3',
    existing: [],
    options: { extraTags: ['.hidden'] },
    error: 'docker-tag-invalid',
  },
  {
    name: 'plan58 extra tag named latest',
    version: '1.2.3',
    existing: [],
    options: { extraTags: ['latest'] },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan59 extra tag named like a minor',
    version: '1.2.3',
    existing: [],
    options: { extraTags: ['1.2'] },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan60 extra tag named like a variant version',
    version: '1.2.3',
    existing: [],
    options: { suffix: '-gpu', extraTags: ['1.0.0-gpu'] },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan61 channel named latest',
    version: '1.3.0-rc.1',
    existing: [],
    options: { channel: 'latest' },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan62 channel that is not a tag',
    version: '1.3.0-rc.1',
    existing: [],
    options: { channel: 'next/one' },
    error: 'docker-tag-invalid',
  },
  {
    name: 'plan63 extra tag equal to the channel',
    version: '1.2.3',
    existing: [],
    options: { channel: 'next', extraTags: ['next'] },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan64 sha that is not hex',
    version: '1.2.3',
    existing: [],
    options: { shaTag: 'main' },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan65 suffix with a slash',
    version: '1.2.3',
    existing: [],
    options: { suffix: '/gpu' },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan66 prefix starting with a dash',
    version: '1.2.3',
    existing: [],
    options: { prefix: '-py3' },
    error: 'tag-option-invalid',
  },
  {
    name: 'plan67 version tag over 128 characters',
    version: `1.0.0-${'a'.repeat(125)}`,
    existing: [],
    error: 'docker-tag-invalid',
  },
];

describe('planTags table', () => {
  it('has unique row names', () => {
    expect(new Set(rows.map((r) => r.name.split(' ')[0])).size).toBe(rows.length);
  });

  it.each(rows)('$name', (row) => {
    if (row.error !== undefined) {
      let thrown: unknown;
      try {
        planTags(row.version, row.existing, row.options);
      } catch (error) {
        thrown = error;
      }
      expect(isModuleError(thrown) ? { code: thrown.code, kind: thrown.kind } : thrown).toEqual({
        code: row.error,
        kind: 'usage',
      });
      return;
    }
    const plan = planTags(row.version, row.existing, row.options);
    expect(plan.tags.map((t) => t.tag)).toEqual(row.tags);
    expect(plan.skipped.map((s) => s.tag)).toEqual(row.skipped ?? []);
  });
});

describe('planTags details', () => {
  it('normalises the version and labels each tag with its kind', () => {
    const plan = planTags('refs/tags/v1.2.3+build.5', [], { channel: 'next', extraTags: ['stable'], shaTag: SHA });
    expect(plan.version).toBe('1.2.3');
    expect(plan.tags.map((t) => `${t.tag}:${t.kind}`)).toEqual([
      '1.2.3:version',
      '1.2:minor',
      '1:major',
      'latest:latest',
      'next:channel',
      'stable:extra',
      'sha-0123456:sha',
    ]);
  });

  it('says why a floating tag is not moved', () => {
    const plan = planTags('1.2.4', ['1.3.0'], {});
    expect(plan.skipped).toEqual([
      {
        tag: '1',
        reason:
          '1 not moved: 1.3.0 is published and newer than 1.2.4; 1 follows 1.x.y releases, so moving it would downgrade every server that pulls it',
      },
      {
        tag: 'latest',
        reason:
          'latest not moved: 1.3.0 is published and newer than 1.2.4; latest follows all releases, so moving it would downgrade every server that pulls it',
      },
    ]);
  });

  it('says why floating tags are withheld from a prerelease, 0.x and latest=false', () => {
    expect(planTags('1.3.0-rc.1', []).skipped[0]?.reason).toBe(
      '1.3 not moved: 1.3.0-rc.1 is a prerelease, and only releases move it',
    );
    expect(planTags('0.3.1', []).skipped[0]?.reason).toBe(
      '0 not moved: 0.y.z releases leave it alone unless majorZero is set (under semver any 0.y minor may break)',
    );
    expect(planTags('1.2.3', [], { latest: false }).skipped[0]?.reason).toBe(
      'latest not moved: disabled by latest: false',
    );
  });

  it('notes a re-run and dropped build metadata on the version tag', () => {
    const [version, minor] = planTags('1.2.3+build.6', ['1.2.3']).tags;
    expect(version?.reason).toBe(
      '1.2.3 is the version itself: fixed, never moved by a later version; ' +
        'already published, pushed again (a re-run); build metadata "+build.6" dropped: Docker tags cannot hold "+"',
    );
    expect(minor?.reason).toBe('1.2 follows 1.2.x releases: 1.2.3 is already the newest (a re-run)');
  });

  it('names the tag and the option in a refused option', () => {
    expect(() => planTags('1.2.3', [], { extraTags: ['1.2'] })).toThrow(
      /^extra tag "1\.2" is a name the tag rules manage/,
    );
    expect(() => planTags('1.2.3', [], { extraTags: ['bad tag'] })).toThrow(
      'extra tag "bad tag" is not a valid Docker tag: " " is not allowed',
    );
    expect(() => planTags('1.2.3', [], { shaTag: 'main' })).toThrow(
      'shaTag "main" is not a git commit: expected 7 to 64 hexadecimal digits',
    );
  });
});
