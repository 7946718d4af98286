import { ModuleError } from '../errors.js';
import { assertDockerTag, tryParseVersion } from './version.js';

/** How a version is tagged: which floating tags it may move, and the variant it belongs to. */
export interface TagPlanOptions {
  /** Also move MAJOR `0` for 0.y.z. Off by default: under semver any 0.y minor may break, and `0` would carry it. */
  readonly majorZero?: boolean;
  /** Move `latest` (default true). false never sets it, e.g. for a maintenance line. */
  readonly latest?: boolean;
  /** A channel such as `next`: follows the newest version of any kind, prereleases included, forward only. */
  readonly channel?: string;
  /** Named tags such as `stable`, set as given (no prefix/suffix); they follow releases forward only, like `latest`. */
  readonly extraTags?: readonly string[];
  /** The git commit (7-64 hex digits): adds `sha-<first 7>`, with the variant's prefix/suffix. */
  readonly shaTag?: string;
  /** Before every generated tag of a variant: `py3-` gives py3-1.2.3, py3-1.2, py3-1, py3-latest. */
  readonly prefix?: string;
  /** After every generated tag of a variant: `-gpu` gives 1.2.3-gpu, 1.2-gpu, 1-gpu, latest-gpu. */
  readonly suffix?: string;
}

/** One image variant's tag affixes; variants only ever see and move their own tags. */
export interface Variant {
  readonly prefix: string;
  readonly suffix: string;
}

/** TagPlanOptions after validation, with defaults filled in. */
export interface NormalisedTagOptions {
  readonly majorZero: boolean;
  readonly latest: boolean;
  /** The channel name without the variant's affixes. */
  readonly channel: string | undefined;
  readonly extraTags: readonly string[];
  /** First 7 hex digits of the commit, lowercase. */
  readonly sha: string | undefined;
  readonly variant: Variant;
}

/** Put the variant's prefix and suffix around a bare tag name (`1.2` -> `1.2-gpu`). */
export function affix(variant: Variant, bare: string): string {
  return `${variant.prefix}${bare}${variant.suffix}`;
}

/** The bare name inside a tag of this variant, or undefined when the tag belongs to another variant. */
export function unaffix(variant: Variant, tag: string): string | undefined {
  const { prefix, suffix } = variant;
  if (tag.length <= prefix.length + suffix.length || !tag.startsWith(prefix) || !tag.endsWith(suffix)) return undefined;
  return tag.slice(prefix.length, tag.length - suffix.length);
}

/** Validate options once, before any rule runs; a bad option names the option and the value. */
export function normaliseTagOptions(options: TagPlanOptions): NormalisedTagOptions {
  const prefix = options.prefix ?? '';
  const suffix = options.suffix ?? '';
  if (prefix !== '' && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(prefix)) {
    throw optionError(
      `prefix "${prefix}" cannot start a Docker tag: use letters, digits, "_", "." and "-", not starting with "." or "-"`,
    );
  }
  if (!/^[A-Za-z0-9_.-]*$/.test(suffix)) {
    throw optionError(`suffix "${suffix}" cannot end a Docker tag: use letters, digits, "_", "." and "-"`);
  }
  const variant = { prefix, suffix };

  let channel: string | undefined;
  if (options.channel !== undefined) {
    assertDockerTag(affix(variant, options.channel), 'channel');
    rejectManagedName(options.channel, 'channel');
    channel = options.channel;
  }

  const extraTags: string[] = [];
  for (const tag of options.extraTags ?? []) {
    assertDockerTag(tag, 'extra tag');
    // An extra tag named like a managed one would move it around the forward-only rules.
    rejectManagedName(unaffix(variant, tag) ?? tag, 'extra tag', tag);
    if (channel !== undefined && tag === affix(variant, channel)) {
      throw optionError(`extra tag "${tag}" is also the channel: list it once, as the channel`);
    }
    if (!extraTags.includes(tag)) extraTags.push(tag);
  }

  let sha: string | undefined;
  if (options.shaTag !== undefined) {
    if (!/^[0-9a-fA-F]{7,64}$/.test(options.shaTag)) {
      throw optionError(`shaTag "${options.shaTag}" is not a git commit: expected 7 to 64 hexadecimal digits`);
    }
    sha = options.shaTag.slice(0, 7).toLowerCase();
    assertDockerTag(affix(variant, `sha-${sha}`), 'sha tag');
  }

  return { majorZero: options.majorZero ?? false, latest: options.latest ?? true, channel, extraTags, sha, variant };
}

// Names the rules own: latest, MAJOR, MAJOR.MINOR, versions and sha-<commit>.
function rejectManagedName(bare: string, what: string, shown = bare): void {
  const managed =
    bare === 'latest' || /^v?\d+(\.\d+)?$/.test(bare) || tryParseVersion(bare) !== undefined || /^sha-/.test(bare);
  if (managed) {
    throw optionError(
      `${what} "${shown}" is a name the tag rules manage (latest, MAJOR, MAJOR.MINOR, a version or sha-...): setting it by hand would bypass the forward-only rule`,
    );
  }
}

function optionError(message: string): ModuleError {
  return new ModuleError('tag-option-invalid', message, {
    kind: 'usage',
    hint: 'Fix the tag option named above; floating tags (latest, MAJOR, MAJOR.MINOR) are derived from the version.',
  });
}
