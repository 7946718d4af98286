import semver from 'semver';
import { inputForMessage, ModuleError } from '../errors.js';

/** A release version parsed from a git tag, a ref or a plain string. */
export interface ReleaseVersion {
  /** MAJOR.MINOR.PATCH[-PRERELEASE], no `v`, no build metadata: what the version's Docker tag carries. */
  readonly version: string;
  /** The version with its build metadata (`1.2.3+build.5`): labels can hold '+', tags cannot. */
  readonly full: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Prerelease identifiers (`['rc', 1]` for 1.3.0-rc.1); empty for a release. */
  readonly prerelease: readonly (string | number)[];
  /** Build metadata identifiers (`['build', '5']` for 1.2.3+build.5); never part of a Docker tag. */
  readonly build: readonly string[];
  /** True for 1.3.0-rc.1: prereleases never move `latest`, MAJOR or MAJOR.MINOR. */
  readonly isPrerelease: boolean;
}

const EXPECTED = 'expected MAJOR.MINOR.PATCH such as 1.2.3 or v1.2.3';
const REF_TAGS = 'refs/tags/';
// Docker reference grammar: a tag is at most 128 characters and cannot start with '.' or '-'.
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Parse a release version: `1.2.3`, `v1.2.3`, `refs/tags/v1.2.3`, `1.3.0-rc.1`, `1.2.3+build.5`.
 * Strict semver 2.0.0: no spaces, no leading zeros, all three numbers. Build metadata is kept in
 * `full` and `build` but dropped from `version`, because '+' is not allowed in a Docker tag and
 * semver gives build metadata no precedence: 1.2.3+build.5 *is* release 1.2.3 and publishes as tag
 * 1.2.3 (replacing '+' by '-' would instead turn it into a prerelease, lower than 1.2.3).
 * Throws ModuleError `version-invalid` naming the value and what was expected.
 */
export function parseVersion(input: string): ReleaseVersion {
  const parsed = tryParseVersion(input);
  if (parsed) return parsed;
  const detail = explain(input);
  throw new ModuleError(
    'version-invalid',
    `"${inputForMessage(input)}" is not a semantic version: ${EXPECTED}${detail ? ` (${detail})` : ''}`,
    {
      kind: 'usage',
      hint: 'Pass a version such as 1.2.3, or publish from a git tag such as v1.2.3 (refs/tags/v1.2.3).',
    },
  );
}

/** parseVersion without the error: undefined for anything that is not a strict semantic version. */
export function tryParseVersion(input: string): ReleaseVersion | undefined {
  let rest = input.startsWith(REF_TAGS) ? input.slice(REF_TAGS.length) : input;
  if (rest.startsWith('v')) rest = rest.slice(1);
  // semver.parse trims and would accept ' 1.2.3'; a version with spaces is a copy-paste slip to report.
  if (rest === '' || /\s/.test(rest) || !/^\d/.test(rest)) return undefined;
  const parsed = semver.parse(rest, { loose: false });
  if (!parsed) return undefined;
  return {
    version: parsed.version, // semver's own formatting: without build metadata
    full: rest,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: [...parsed.prerelease],
    build: [...parsed.build],
    isPrerelease: parsed.prerelease.length > 0,
  };
}

/** Compare two parsed versions by semver precedence (build metadata ignored): <0, 0 or >0. */
export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  return semver.compare(a.version, b.version);
}

/** Whether `tag` is a valid Docker tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
export function isDockerTag(tag: string): boolean {
  return DOCKER_TAG.test(tag);
}

/**
 * Return `tag` if it is a valid Docker tag, else throw ModuleError `docker-tag-invalid`.
 * `what` names where the tag came from (`extra tag`, `channel`) so the message points at the option.
 */
export function assertDockerTag(tag: string, what = 'tag'): string {
  if (isDockerTag(tag)) return tag;
  const why =
    tag === ''
      ? 'it is empty'
      : tag.length > 128
        ? `it is ${tag.length} characters long, the limit is 128`
        : /^[.-]/.test(tag)
          ? `it starts with "${tag[0]}"`
          : `"${[...tag].find((c) => !/[A-Za-z0-9_.-]/.test(c)) ?? ''}" is not allowed`;
  throw new ModuleError(
    'docker-tag-invalid',
    `${what} "${inputForMessage(tag, 200)}" is not a valid Docker tag: ${why}`,
    {
      kind: 'usage',
      hint: 'A Docker tag is 1-128 letters, digits, "_", "." and "-", and does not start with "." or "-".',
    },
  );
}

// The most common slips get a specific clause; the rest get the generic message only.
function explain(input: string): string | undefined {
  if (input === '') return 'the value is empty';
  if (/\s/.test(input)) return 'it contains whitespace';
  if (input.startsWith('refs/heads/')) return 'that is a branch; publish from a tag such as refs/tags/v1.2.3';
  let rest = input.startsWith(REF_TAGS) ? input.slice(REF_TAGS.length) : input;
  if (/^V\d/.test(rest)) return 'use a lowercase "v"';
  if (rest.startsWith('v')) rest = rest.slice(1);
  const main = rest.split(/[-+]/, 1)[0] ?? '';
  if (/^\d+(\.\d+)?$/.test(main)) return 'all three numbers are required, e.g. 1.2.0';
  if (/(^|\.)0\d/.test(main)) return 'numbers have no leading zeros';
  if (/^\d+\.\d+\.\d+\.\d+/.test(main)) return 'a version has three numbers, not four';
  return undefined;
}
