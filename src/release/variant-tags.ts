import { unaffix, type Variant } from './tag-options.js';
import { tryParseVersion, type ReleaseVersion } from './version.js';

/**
 * Which tags of a repository belong to which variant. A repository holding several variants
 * (`1.3.0`, `1.3.0-gpu`, `py3-1.3.0`) lists all their tags together, and the plain variant's
 * reading of `1.3.0-rc.1-gpu` is a newer prerelease (`rc.1-gpu` sorts after `rc.1`): read that
 * way, a variant's tags would hold back the plain channel. So the other variants are recognised
 * by their floating tags (`latest-gpu`, `next-gpu`, `1-gpu`, `py3-1.3`) and a version tag goes to
 * the variant with the longest affixes that reads it as a version.
 */

// A floating tag's core between a variant's prefix (ending in a separator) and suffix (starting
// with one): `py3-` + `1.3` + `-gpu`. Versions' own dots and dashes never split into affixes,
// because a suffix must start with `-` or `_` and the core is never followed by a digit.
const FLOATING_CORE = /^\d+(?:\.\d+)?$/;

/** Variants other than `own` that a repository's floating tags show, longest affixes first. */
export function otherVariants(tags: readonly string[], own: Variant, channel?: string): Variant[] {
  const cores = ['latest', ...(channel === undefined ? [] : [channel])];
  const found = new Map<string, Variant>();
  const add = (prefix: string, suffix: string) => {
    if (prefix === own.prefix && suffix === own.suffix) return;
    if (prefix !== '' && !/[-_.]$/.test(prefix)) return;
    if (suffix !== '' && !/^[-_]/.test(suffix)) return;
    found.set(`${prefix}\u0000${suffix}`, { prefix, suffix });
  };
  for (const tag of tags) {
    for (const core of cores) {
      for (let at = tag.indexOf(core); at >= 0; at = tag.indexOf(core, at + 1)) {
        add(tag.slice(0, at), tag.slice(at + core.length));
      }
    }
    // MAJOR and MAJOR.MINOR: the prefix ends right before a digit that starts the tag or follows a separator.
    const numeric = /(?:^|(?<=[-_.]))(\d+(?:\.\d+)?)(?=$|[-_])/g;
    for (const match of tag.matchAll(numeric)) {
      if (!FLOATING_CORE.test(match[1] ?? '')) continue;
      const prefix = tag.slice(0, match.index);
      // `1.2.0` is not `1.2` with a prefix `1.`: a prefix never ends in a version's digits and dot.
      if (/\d\.$/.test(prefix)) continue;
      add(prefix, tag.slice(match.index + (match[1]?.length ?? 0)));
    }
  }
  return [...found.values()].sort((a, b) => b.prefix.length + b.suffix.length - (a.prefix.length + a.suffix.length));
}

/** The version `tag` names for `variant`, or undefined when it is not one of that variant's version tags. */
export function versionOf(variant: Variant, tag: string): ReleaseVersion | undefined {
  const bare = unaffix(variant, tag);
  // `refs/...` is a git ref, not a tag; a `v1.2.3` left by older tooling still counts.
  return bare === undefined || bare.startsWith('refs/') ? undefined : tryParseVersion(bare);
}

/**
 * Versions among a repository's tags that belong to `variant`: floating tags, other tags and the
 * version tags of other variants (recognised by their floating tags, see otherVariants) are
 * ignored. `channel` is the bare channel name, when the caller knows one.
 */
export function existingVersions(
  existingTags: readonly string[],
  variant: Variant = { prefix: '', suffix: '' },
  channel?: string,
): ReleaseVersion[] {
  const ownLength = variant.prefix.length + variant.suffix.length;
  const longer = otherVariants(existingTags, variant, channel).filter(
    (other) => other.prefix.length + other.suffix.length > ownLength,
  );
  const versions: ReleaseVersion[] = [];
  for (const tag of existingTags) {
    const parsed = versionOf(variant, tag);
    if (parsed && !longer.some((other) => versionOf(other, tag) !== undefined)) versions.push(parsed);
  }
  return versions;
}
