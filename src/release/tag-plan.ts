import { covers, floatingCandidates, type FloatingKind } from './floating.js';
import { affix, normaliseTagOptions, type TagPlanOptions, type Variant } from './tag-options.js';
import { existingVersions } from './variant-tags.js';
import { assertDockerTag, compareVersions, parseVersion, type ReleaseVersion } from './version.js';

/** What a planned tag is: the fixed version, a floating tag, an extra name or the commit. */
export type PlannedTagKind = 'version' | FloatingKind | 'sha';

/** One tag to point at the new image, and why. */
export interface PlannedTag {
  readonly tag: string;
  readonly kind: PlannedTagKind;
  readonly reason: string;
}

/** A floating tag deliberately left where it is, and why. */
export interface SkippedTag {
  readonly tag: string;
  readonly reason: string;
}

/** Which tags a publish sets and which floating tags it leaves alone. */
export interface TagPlan {
  /** The normalised version: no `v`, no `refs/tags/`, no build metadata. */
  readonly version: string;
  /** In order: version, minor, major, latest, channel, extras, sha. */
  readonly tags: readonly PlannedTag[];
  /** Floating tags this version would name but does not move: withheld by the rules, or not forward. */
  readonly skipped: readonly SkippedTag[];
}

/**
 * Plan the tags for publishing `version`, given the tags the repository already holds (as the
 * registry lists them). Floating tags move forward only: one moves when the new version is at
 * least the highest version it covers among `existingTags` of the same variant (another variant's
 * tags never count, see variant-tags.ts), so publishing an
 * old patch never drags `1` or `latest` back, and re-running the same version moves them again.
 * Throws ModuleError (kind usage) for a bad version or option.
 */
export function planTags(version: string, existingTags: readonly string[], options: TagPlanOptions = {}): TagPlan {
  const v = parseVersion(version);
  const opts = normaliseTagOptions(options);
  const { variant } = opts;
  const existing = existingVersions(existingTags, variant, opts.channel);
  const show = (x: ReleaseVersion): string => affix(variant, x.version);

  const tags: PlannedTag[] = [{ tag: show(v), kind: 'version', reason: versionReason(v, existing, variant) }];
  const skipped: SkippedTag[] = [];
  for (const floating of floatingCandidates(v, opts)) {
    if (floating.withheld !== undefined) {
      skipped.push({ tag: floating.tag, reason: `${floating.tag} not moved: ${floating.withheld}` });
      continue;
    }
    const highest = highestOf(existing.filter((e) => covers(floating.kind, v, e)));
    if (highest && compareVersions(v, highest) < 0) {
      skipped.push({
        tag: floating.tag,
        reason:
          `${floating.tag} not moved: ${show(highest)} is published and newer than ${show(v)}; ` +
          `${floating.tag} follows ${floating.follows}, so moving it would downgrade every server that pulls it`,
      });
      continue;
    }
    const since = !highest
      ? 'the first of them'
      : compareVersions(v, highest) === 0
        ? 'already the newest (a re-run)'
        : `newer than ${show(highest)}`;
    tags.push({
      tag: floating.tag,
      kind: floating.kind,
      reason: `${floating.tag} follows ${floating.follows}: ${show(v)} is ${since}`,
    });
  }

  if (opts.sha !== undefined) {
    tags.push({
      tag: affix(variant, `sha-${opts.sha}`),
      kind: 'sha',
      reason: `the commit ${opts.sha} the image was built from`,
    });
  }
  // Affixes and long prereleases can push a name past Docker's 128 characters: fail before any push.
  for (const planned of tags) assertDockerTag(planned.tag, `${planned.kind} tag`);
  return { version: v.version, tags, skipped };
}

function highestOf(versions: readonly ReleaseVersion[]): ReleaseVersion | undefined {
  let highest: ReleaseVersion | undefined;
  for (const v of versions) if (!highest || compareVersions(v, highest) > 0) highest = v;
  return highest;
}

function versionReason(v: ReleaseVersion, existing: readonly ReleaseVersion[], variant: Variant): string {
  const parts = ['the version itself: fixed, never moved by a later version'];
  if (existing.some((e) => compareVersions(e, v) === 0)) parts.push('already published, pushed again (a re-run)');
  if (v.build.length > 0) parts.push(`build metadata "+${v.build.join('.')}" dropped: Docker tags cannot hold "+"`);
  return `${affix(variant, v.version)} is ${parts.join('; ')}`;
}
