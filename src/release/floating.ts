import { affix, normaliseTagOptions, unaffix, type NormalisedTagOptions, type TagPlanOptions } from './tag-options.js';
import { compareVersions, parseVersion, tryParseVersion, type ReleaseVersion } from './version.js';

/** The kinds of tag that move from version to version (mercure re-pulls them to pick up updates). */
export type FloatingKind = 'minor' | 'major' | 'latest' | 'channel' | 'extra';

/** A floating tag a version is entitled to, before looking at what the registry holds. */
export interface FloatingTag {
  readonly tag: string;
  readonly kind: FloatingKind;
  /** The versions it follows, for messages: `1.2.x releases`, `all releases`, `all versions`. */
  readonly follows: string;
}

/** A floating tag a version names, with the reason the rules withhold it whatever the registry holds. */
export interface FloatingCandidate extends FloatingTag {
  /** Set when the rules withhold it (a prerelease, 0.x without majorZero, latest: false). */
  readonly withheld: string | undefined;
}

/** The verdict on moving a floating tag from the image it points at now to a new version. */
export interface MoveCheck {
  /** forward: safe to move (newer or the same version); backward: refuse; unknown: the current image cannot tell. */
  readonly verdict: 'forward' | 'backward' | 'unknown';
  /** The version the tag points at now, normalised, when its label says so. */
  readonly current: string | undefined;
  readonly reason: string;
}

/** What a floating tag points at right now, as the registry answers just before a move. */
export type CurrentTarget =
  | { readonly state: 'absent' }
  /** versionLabel: the image's org.opencontainers.image.version label, undefined when it has none. */
  | { readonly state: 'present'; readonly versionLabel: string | undefined };

/** Whether a floating tag of `kind`, given to version `of`, also covers `other` (used to find the highest one). */
export function covers(kind: FloatingKind, of: ReleaseVersion, other: ReleaseVersion): boolean {
  switch (kind) {
    case 'channel':
      return true;
    case 'latest':
    case 'extra':
      return !other.isPrerelease;
    case 'major':
      return !other.isPrerelease && other.major === of.major;
    case 'minor':
      return !other.isPrerelease && other.major === of.major && other.minor === of.minor;
  }
}

/** The floating tags `version` may move under `options` (minor, major, latest, channel, extras), in that order. */
export function floatingTagsFor(version: string, options: TagPlanOptions = {}): FloatingTag[] {
  return floatingCandidates(parseVersion(version), normaliseTagOptions(options))
    .filter((c) => c.withheld === undefined)
    .map(({ tag, kind, follows }) => ({ tag, kind, follows }));
}

/** Every floating tag a version names, in order, each marked with why the rules withhold it (if they do). */
export function floatingCandidates(v: ReleaseVersion, opts: NormalisedTagOptions): FloatingCandidate[] {
  const { variant } = opts;
  const pre = v.isPrerelease ? `${affix(variant, v.version)} is a prerelease, and only releases move it` : undefined;
  const zero =
    v.major === 0 && !opts.majorZero
      ? '0.y.z releases leave it alone unless majorZero is set (under semver any 0.y minor may break)'
      : undefined;
  return [
    {
      tag: affix(variant, `${v.major}.${v.minor}`),
      kind: 'minor',
      follows: `${v.major}.${v.minor}.x releases`,
      withheld: pre,
    },
    { tag: affix(variant, `${v.major}`), kind: 'major', follows: `${v.major}.x.y releases`, withheld: pre ?? zero },
    {
      tag: affix(variant, 'latest'),
      kind: 'latest',
      follows: 'all releases',
      withheld: pre ?? (opts.latest ? undefined : 'disabled by latest: false'),
    },
    ...(opts.channel === undefined
      ? []
      : [
          {
            tag: affix(variant, opts.channel),
            kind: 'channel' as const,
            follows: 'all versions, prereleases included',
            withheld: undefined,
          },
        ]),
    ...opts.extraTags.map((tag) => ({ tag, kind: 'extra' as const, follows: 'all releases', withheld: pre })),
  ];
}

/**
 * Re-check one move right before it happens, against the version label of the image the tag
 * points at now (another publish may have moved it since the plan was made). `tag` must be one of
 * floatingTagsFor(newVersion, options); the same version again is forward (an idempotent re-run).
 */
export function checkFloatingMove(
  tag: string,
  current: CurrentTarget,
  newVersion: string,
  options: TagPlanOptions = {},
): MoveCheck {
  const next = parseVersion(newVersion);
  const opts = normaliseTagOptions(options);
  const floating = floatingCandidates(next, opts).find((f) => f.tag === tag && f.withheld === undefined);
  // A caller bug, not a user error: the plan never asks to move a tag the version is not entitled to.
  if (!floating) throw new Error(`${tag} is not a floating tag of ${next.version} under these options`);

  if (current.state === 'absent') {
    return { verdict: 'forward', current: undefined, reason: `${tag} does not exist yet` };
  }
  const label = current.versionLabel?.trim();
  if (!label) {
    return {
      verdict: 'unknown',
      current: undefined,
      reason: `the image at ${tag} has no org.opencontainers.image.version label`,
    };
  }
  // Other tools put the whole tag (with a variant's affixes) in the label; we put the bare version.
  // Strip affixes first: `1.3.0-gpu` read whole would be a prerelease of 1.3.0.
  const bare = opts.variant.prefix || opts.variant.suffix ? unaffix(opts.variant, label) : undefined;
  const was = (bare === undefined ? undefined : tryParseVersion(bare)) ?? tryParseVersion(label);
  if (!was) {
    return {
      verdict: 'unknown',
      current: undefined,
      reason: `the image at ${tag} is labelled "${label}", which is not a version`,
    };
  }
  const order = compareVersions(next, was);
  if (order < 0) {
    return {
      verdict: 'backward',
      current: was.version,
      reason: `${tag} points at ${was.version}, newer than ${next.version}: moving it would downgrade every server that pulls ${tag}`,
    };
  }
  const how = order === 0 ? 'the same version (a re-run)' : `older than ${next.version}`;
  return { verdict: 'forward', current: was.version, reason: `${tag} points at ${was.version}, ${how}` };
}
