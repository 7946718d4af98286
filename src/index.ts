/**
 * mercure-module-kit as a library: the verbs the `mercure-module` CLI and the GitHub Action run,
 * the pure release rules, the finding catalogue, the Logger the verbs report through, and the
 * registry client. Everything not exported here is internal and may change in any release.
 */

// --- The verbs, named as the CLI's commands ---

/** Checks a module folder against mercure's contract without building it; findings sorted errors first. */
export { checkModule as check, type StaticCheckOptions as CheckOptions } from './contract/static/index.js';
/** Builds the module, runs it as mercure would on a case and judges its output (the smoke run). */
export { validate, type ValidateOptions, type ValidationReport } from './pipeline/validate.js';
/** validate's `previews: true`: each output series' middle slice beside its input slice, as PNG (report.previews). */
export type { SeriesPreview, SeriesSummary, SlicePreview } from './pipeline/validation/previews.js';
export type { SliceImage, SliceUnavailable } from './pipeline/validation/pixels.js';
/** Writes a validation as one self-contained HTML page (`validate --report FILE.html`); run validate with `previews: true` for its pictures. */
export { writeHtmlReport } from './report/html/index.js';
/** Runs validate over the fixture matrix (series and study level, real and synthetic variants). */
export { runMatrix, type MatrixOptions, type MatrixReport, type VariantOutcome } from './pipeline/matrix.js';
/** Builds the module image with OCI labels and tags it `<image>:<version>` in the engine. */
export { buildModule as build, type BuildOptions, type BuildReport } from './pipeline/build.js';
/** Pushes a built image under its version tag and moves its floating tags forward only. */
export { publish, type PublishOptions, type PublishResult, type PublishedTag } from './pipeline/publish.js';
/** build, validate and publish in one go. */
export { release, type ReleaseOptions, type ReleaseReport } from './pipeline/release.js';
/** Copies a released version from one repository to another (e.g. staging to production), forward only. */
export { promote, type PromoteOptions, type PromoteResult, type PromoteSide } from './pipeline/promote.js';
/** What a module image reference resolves to: digest, version, labels, and whether mercure can run it. */
export { status, type StatusOptions, type ModuleStatus } from './pipeline/status.js';
/** The entry for mercure's modules registry (modules.json), from given tags. */
export {
  registryEntry,
  registryEntryFromRegistry,
  type ModulesRegistryEntry,
  type RegistryEntryInput,
  type RegistryEntryFromRegistryOptions,
} from './pipeline/registry-entry.js';
/** Writes a mercure-style input folder (DICOM, .tags, task.json): synthetic, or from a folder of DICOM files. */
export { prepareCase as writeFixtures, type CaseSource as FixtureOptions } from './pipeline/validation/case.js';

// --- The release rules (pure: no network, clock or files) ---

/** Which tags a publish sets and which floating tags it leaves alone; floating tags only move forward. */
export {
  planTags,
  floatingTagsFor,
  checkFloatingMove,
  type TagPlan,
  type TagPlanOptions,
  type PlannedTag,
  type PlannedTagKind,
  type SkippedTag,
  type FloatingKind,
  type FloatingTag,
  type MoveCheck,
  type CurrentTarget,
} from './release/index.js';
/** Parse and compare release versions (strict semver, `v`, `refs/tags/` and build metadata handled). */
export { parseVersion, tryParseVersion, compareVersions, type ReleaseVersion } from './release/index.js';
/** The OCI labels an image of a module carries. */
export { ociLabels, type OciLabelInput } from './release/index.js';

// --- Findings ---

/** One thing wrong (or worth a look) in a module, and helpers to judge a list of them. */
export { hasErrors, sortFindings, type Finding, type Severity } from './contract/finding.js';
/** Every finding code with its severity and hint (docs/findings.md describes each). */
export { FINDING_CATALOGUE, FINDING_CODES, type FindingCode } from './contract/codes.js';

// --- Reporting and errors ---

/** How the verbs report progress: pass your own, or silentLogger / MemoryLogger. */
export { silentLogger, MemoryLogger, type Logger } from './logger.js';
/** The one error type for what a person can fix: a stable code, a hint and the exit code the CLI uses. */
export { ModuleError, isModuleError, ExitCode, type ErrorKind } from './errors.js';

// --- The registry client, for people who script registries ---

/** A client for one registry's HTTP API v2: tags, manifests and blobs, with auth, retries and clear errors. */
export {
  RegistryClient,
  type RegistryOptions,
  type ManifestHead,
  type StoredManifest,
  type ImageConfig,
} from './registry/index.js';
/** Parse and format image references as Docker does (`acme/blur:1.2`, `127.0.0.1:5000/x@sha256:...`). */
export { parseReference, formatReference, type ImageReference } from './registry/index.js';
/** Credentials for a registry and the default retry policy (bounded exponential backoff). */
export {
  defaultRetryPolicy,
  noRetry,
  type Credentials,
  type RetryOptions,
  type RetryPolicy,
} from './registry/index.js';

/** This package's version. */
export { KIT_VERSION } from './version.js';
