import { describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { assertDockerTag, isDockerTag, parseVersion, tryParseVersion } from '../../src/release/index.js';

describe('parseVersion accepts', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['refs/tags/v1.2.3', '1.2.3'],
    ['refs/tags/1.2.3', '1.2.3'],
    ['0.0.0', '0.0.0'],
    ['1.3.0-rc.1', '1.3.0-rc.1'],
    ['v2.0.0-beta.2', '2.0.0-beta.2'],
    ['1.0.0-alpha-1.0', '1.0.0-alpha-1.0'],
    ['1.2.3+build.5', '1.2.3'],
    ['refs/tags/v1.3.0-rc.1+sha.abc', '1.3.0-rc.1'],
    ['10.20.30', '10.20.30'],
  ])('%s as %s', (input, version) => {
    expect(parseVersion(input).version).toBe(version);
  });

  it('splits the parts and keeps build metadata out of the tag but in full', () => {
    expect(parseVersion('refs/tags/v1.3.0-rc.1+build.5')).toEqual({
      version: '1.3.0-rc.1',
      full: '1.3.0-rc.1+build.5',
      major: 1,
      minor: 3,
      patch: 0,
      prerelease: ['rc', 1],
      build: ['build', '5'],
      isPrerelease: true,
    });
    expect(parseVersion('1.2.3')).toMatchObject({ full: '1.2.3', prerelease: [], build: [], isPrerelease: false });
  });
});

describe('parseVersion rejects', () => {
  const expected = 'expected MAJOR.MINOR.PATCH such as 1.2.3 or v1.2.3';
  it.each([
    ['1.2', `"1.2" is not a semantic version: ${expected} (all three numbers are required, e.g. 1.2.0)`],
    ['1', `"1" is not a semantic version: ${expected} (all three numbers are required, e.g. 1.2.0)`],
    ['latest', `"latest" is not a semantic version: ${expected}`],
    [
      'refs/heads/main',
      `"refs/heads/main" is not a semantic version: ${expected} (that is a branch; publish from a tag such as refs/tags/v1.2.3)`,
    ],
    ['v1.2.3.4', `"v1.2.3.4" is not a semantic version: ${expected} (a version has three numbers, not four)`],
    ['', `"" is not a semantic version: ${expected} (the value is empty)`],
    [' 1.2.3', `" 1.2.3" is not a semantic version: ${expected} (it contains whitespace)`],
    // Control characters are escaped so the message stays on one line.
    ['1.2.3\n', `"1.2.3\\u000a" is not a semantic version: ${expected} (it contains whitespace)`],
    ['01.2.3', `"01.2.3" is not a semantic version: ${expected} (numbers have no leading zeros)`],
    ['1.02.3', `"1.02.3" is not a semantic version: ${expected} (numbers have no leading zeros)`],
    ['V1.2.3', `"V1.2.3" is not a semantic version: ${expected} (use a lowercase "v")`],
    ['vv1.2.3', `"vv1.2.3" is not a semantic version: ${expected}`],
    ['=1.2.3', `"=1.2.3" is not a semantic version: ${expected}`],
    ['1.2.3-', `"1.2.3-" is not a semantic version: ${expected}`],
    ['1.2.3-01', `"1.2.3-01" is not a semantic version: ${expected}`],
    ['1.2.3+', `"1.2.3+" is not a semantic version: ${expected}`],
    ['refs/tags/latest', `"refs/tags/latest" is not a semantic version: ${expected}`],
    ['sha-abc1234', `"sha-abc1234" is not a semantic version: ${expected}`],
  ])('%j', (input, message) => {
    let thrown: unknown;
    try {
      parseVersion(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ModuleError);
    const error = thrown as ModuleError;
    expect({ code: error.code, kind: error.kind, message: error.message, exitCode: error.exitCode }).toEqual({
      code: 'version-invalid',
      kind: 'usage',
      message,
      exitCode: 2,
    });
    expect(error.hint).toMatch(/v1\.2\.3/);
    expect(tryParseVersion(input)).toBeUndefined();
  });
});

describe('Docker tag syntax', () => {
  it.each(['latest', '1.2.3', '1.2.3-gpu', 'sha-abc1234', '_private', 'A_b.c-d', 'x'.repeat(128)])(
    'accepts %s',
    (tag) => {
      expect(isDockerTag(tag)).toBe(true);
      expect(assertDockerTag(tag)).toBe(tag);
    },
  );

  it.each([
    ['', 'tag "" is not a valid Docker tag: it is empty'],
    ['.hidden', 'tag ".hidden" is not a valid Docker tag: it starts with "."'],
    ['-x', 'tag "-x" is not a valid Docker tag: it starts with "-"'],
    ['1.2.3+build', 'tag "1.2.3+build" is not a valid Docker tag: "+" is not allowed'],
    ['a/b', 'tag "a/b" is not a valid Docker tag: "/" is not allowed'],
    ['a:b', 'tag "a:b" is not a valid Docker tag: ":" is not allowed'],
    [
      'x'.repeat(129),
      `tag "${'x'.repeat(129)}" is not a valid Docker tag: it is 129 characters long, the limit is 128`,
    ],
  ])('rejects %j', (tag, message) => {
    expect(isDockerTag(tag)).toBe(false);
    expect(() => assertDockerTag(tag)).toThrow(message);
    expect(() => assertDockerTag(tag)).toThrow(expect.objectContaining({ code: 'docker-tag-invalid', kind: 'usage' }));
  });

  it('names where the tag came from', () => {
    expect(() => assertDockerTag('bad tag', 'extra tag')).toThrow(
      'extra tag "bad tag" is not a valid Docker tag: " " is not allowed',
    );
  });
});
