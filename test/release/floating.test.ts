import { describe, expect, it } from 'vitest';
import { checkFloatingMove, floatingTagsFor } from '../../src/release/index.js';

describe('floatingTagsFor', () => {
  it('gives a release its minor, major and latest', () => {
    expect(floatingTagsFor('v1.2.3')).toEqual([
      { tag: '1.2', kind: 'minor', follows: '1.2.x releases' },
      { tag: '1', kind: 'major', follows: '1.x.y releases' },
      { tag: 'latest', kind: 'latest', follows: 'all releases' },
    ]);
  });

  it('gives 0.y.z no 0 unless majorZero, and a variant its own names', () => {
    expect(floatingTagsFor('0.3.1').map((f) => f.tag)).toEqual(['0.3', 'latest']);
    expect(floatingTagsFor('0.3.1', { majorZero: true, suffix: '-gpu' }).map((f) => f.tag)).toEqual([
      '0.3-gpu',
      '0-gpu',
      'latest-gpu',
    ]);
  });

  it('gives a prerelease only its channel', () => {
    expect(floatingTagsFor('1.3.0-rc.1', { extraTags: ['stable'] })).toEqual([]);
    expect(floatingTagsFor('1.3.0-rc.1', { channel: 'next' }).map((f) => f.tag)).toEqual(['next']);
  });

  it('adds the channel and extras to a release, and drops latest when disabled', () => {
    expect(
      floatingTagsFor('2.0.0', { channel: 'next', extraTags: ['stable'], latest: false }).map(
        (f) => `${f.tag}:${f.kind}`,
      ),
    ).toEqual(['2.0:minor', '2:major', 'next:channel', 'stable:extra']);
  });
});

describe('checkFloatingMove', () => {
  const present = (versionLabel: string | undefined) => ({ state: 'present' as const, versionLabel });

  it('moves a tag that does not exist yet', () => {
    expect(checkFloatingMove('1', { state: 'absent' }, '1.2.4')).toEqual({
      verdict: 'forward',
      current: undefined,
      reason: '1 does not exist yet',
    });
  });

  it('moves forward from an older version and on a re-run of the same one', () => {
    expect(checkFloatingMove('1', present('1.2.3'), '1.2.4')).toEqual({
      verdict: 'forward',
      current: '1.2.3',
      reason: '1 points at 1.2.3, older than 1.2.4',
    });
    expect(checkFloatingMove('1', present('1.2.4'), 'v1.2.4').verdict).toBe('forward');
    expect(checkFloatingMove('1', present('1.2.4+build.1'), '1.2.4+build.2').reason).toBe(
      '1 points at 1.2.4, the same version (a re-run)',
    );
  });

  it('refuses a move backwards, e.g. when another publish moved the tag since the plan', () => {
    expect(checkFloatingMove('latest', present('1.3.0'), '1.2.4')).toEqual({
      verdict: 'backward',
      current: '1.3.0',
      reason: 'latest points at 1.3.0, newer than 1.2.4: moving it would downgrade every server that pulls latest',
    });
    expect(checkFloatingMove('next', present('2.0.0-rc.2'), '2.0.0-rc.1', { channel: 'next' }).verdict).toBe(
      'backward',
    );
  });

  it('reads labels written with a v or with the variant affixes by other tools', () => {
    expect(checkFloatingMove('1-gpu', present('v1.3.0'), '1.2.4', { suffix: '-gpu' }).verdict).toBe('backward');
    expect(checkFloatingMove('1-gpu', present('1.3.0-gpu'), '1.2.4', { suffix: '-gpu' })).toMatchObject({
      verdict: 'backward',
      current: '1.3.0',
    });
  });

  it('cannot tell without a version label', () => {
    expect(checkFloatingMove('1', present(undefined), '1.2.4')).toEqual({
      verdict: 'unknown',
      current: undefined,
      reason: 'the image at 1 has no org.opencontainers.image.version label',
    });
    expect(checkFloatingMove('1', present('main'), '1.2.4')).toMatchObject({
      verdict: 'unknown',
      reason: 'the image at 1 is labelled "main", which is not a version',
    });
  });

  it('refuses to check a tag the version does not own (a caller bug)', () => {
    expect(() => checkFloatingMove('1.3', present('1.3.0'), '1.2.4')).toThrow('1.3 is not a floating tag of 1.2.4');
    expect(() => checkFloatingMove('latest', present('1.2.0'), '1.3.0-rc.1')).toThrow(
      'latest is not a floating tag of 1.3.0-rc.1',
    );
  });
});
