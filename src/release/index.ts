/**
 * Release rules, all pure (no network, clock, logging or files): parsing a version from a git tag
 * (version.ts), which tags a publish sets so that floating tags only ever move forward
 * (tag-plan.ts, with the per-tag rules and the just-before-the-move re-check in floating.ts and
 * option validation in tag-options.ts), and the OCI labels an image carries (labels.ts).
 */
export {
  parseVersion,
  tryParseVersion,
  compareVersions,
  isDockerTag,
  assertDockerTag,
  type ReleaseVersion,
} from './version.js';
export {
  normaliseTagOptions,
  affix,
  unaffix,
  type TagPlanOptions,
  type NormalisedTagOptions,
  type Variant,
} from './tag-options.js';
export {
  floatingTagsFor,
  floatingCandidates,
  checkFloatingMove,
  covers,
  type FloatingKind,
  type FloatingTag,
  type FloatingCandidate,
  type MoveCheck,
  type CurrentTarget,
} from './floating.js';
export { existingVersions, otherVariants } from './variant-tags.js';
export { planTags, type TagPlan, type PlannedTag, type PlannedTagKind, type SkippedTag } from './tag-plan.js';
export { ociLabels, normaliseSourceUrl, stripCredentials, type OciLabelInput } from './labels.js';
