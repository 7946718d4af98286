// Judging one publish or promotion run under faults, by reading the real registry directly (no
// proxy): it completed with the right digest under every tag, or it failed with a clear
// ModuleError and no floating tag moved; and whatever happened, no tag points at a half-pushed
// image and no floating tag went backwards. Anything else is an inconsistent outcome.
import { isModuleError } from '../../src/errors.js';
import { RegistryClient } from '../../src/registry/client.js';
import { isIndex, parseManifest } from '../../src/registry/manifest.js';
import { compareVersions, tryParseVersion } from '../../src/release/index.js';

/** What a repository holds: every tag's digest, and the version each digest was published as. */
export interface RepositoryState {
  tags: Map<string, string>;
  versionOf: Map<string, string>;
}

/** Reads every tag of `repository` and its digest; version tags name the versions. */
export async function readState(host: string, repository: string): Promise<RepositoryState> {
  const client = new RegistryClient({ registry: host });
  const tags = new Map<string, string>();
  const versionOf = new Map<string, string>();
  for (const tag of await client.listTags(repository)) {
    const digest = (await client.headManifest(repository, tag))?.digest;
    if (!digest) continue;
    tags.set(tag, digest);
    if (tryParseVersion(tag)) versionOf.set(digest, tag);
  }
  return { tags, versionOf };
}

/** Floating tags (`1`, `1.2`, `latest`): the tags that are not full versions. */
export function floatingOf(state: RepositoryState): Map<string, string> {
  return new Map([...state.tags].filter(([tag]) => !tryParseVersion(tag)));
}

/** Whether every blob and child manifest under `digest` is in the repository: nothing half-pushed. */
export async function isComplete(host: string, repository: string, digest: string, depth = 0): Promise<boolean> {
  const client = new RegistryClient({ registry: host });
  const stored = await client.getManifest(repository, digest).catch(() => undefined);
  if (!stored) return false;
  const manifest = parseManifest(stored.bytes, digest);
  if (isIndex(manifest)) {
    if (depth > 3) return false;
    for (const child of manifest.manifests)
      if (!(await isComplete(host, repository, child.digest, depth + 1))) return false;
    return true;
  }
  for (const blob of [manifest.config, ...manifest.layers])
    if (!(await client.headBlob(repository, blob.digest))) return false;
  return true;
}

/** One run's outcome and, when inconsistent, why. */
export interface Judged {
  outcome: 'completed' | 'failed-cleanly' | 'inconsistent';
  problems: string[];
}

/** The tags a completed run says it set, each with the digest it read back. */
export interface RunClaims {
  version: string;
  digest: string | undefined;
  tags: { tag: string; digest: string }[];
}

/**
 * Judges one run from the state before and after it and what it returned or threw. `expectedDigest`
 * is the digest the version must have (the source's, for a promotion), when known up front.
 */
export async function judge(
  host: string,
  repository: string,
  before: RepositoryState,
  after: RepositoryState,
  run: { result?: RunClaims; error?: unknown; version: string; expectedDigest?: string },
): Promise<Judged> {
  const problems: string[] = [];
  // Whatever happened: every tag on a complete image, and floating tags only forward.
  for (const [tag, digest] of after.tags) {
    if (before.tags.get(tag) !== digest && !(await isComplete(host, repository, digest)))
      problems.push(`${tag} points at ${digest}, which is not complete`);
  }
  for (const [tag, digest] of floatingOf(after)) {
    const was = before.tags.get(tag);
    if (was === undefined || was === digest) continue;
    const [from, to] = [
      tryParseVersion(before.versionOf.get(was) ?? ''),
      tryParseVersion(after.versionOf.get(digest) ?? ''),
    ];
    if (!from || !to || compareVersions(to, from) < 0)
      problems.push(
        `${tag} moved from ${before.versionOf.get(was) ?? was} to ${after.versionOf.get(digest) ?? digest}`,
      );
  }
  const versionDigest = after.tags.get(run.version);
  if (run.result) {
    const { result } = run;
    if (!result.digest || versionDigest !== result.digest)
      problems.push(`version tag ${run.version} is ${versionDigest}, the run said ${result.digest}`);
    if (run.expectedDigest && result.digest !== run.expectedDigest)
      problems.push(`published ${result.digest}, expected ${run.expectedDigest}`);
    for (const tag of result.tags) {
      if (tag.digest !== result.digest)
        problems.push(`${tag.tag} read back as ${tag.digest}, not the published ${result.digest}`);
      if (after.tags.get(tag.tag) !== result.digest)
        problems.push(`${tag.tag} is ${after.tags.get(tag.tag)}, not ${result.digest}`);
    }
    return { outcome: problems.length ? 'inconsistent' : 'completed', problems };
  }
  const error = run.error;
  if (!isModuleError(error)) problems.push(`failed with something that is not a ModuleError: ${String(error)}`);
  else if (!error.message || /\n\s+at /.test(error.message)) problems.push(`unclear error message: ${error.message}`);
  for (const [tag, digest] of floatingOf(after))
    if (before.tags.get(tag) !== digest) problems.push(`failed, yet floating tag ${tag} moved`);
  for (const [tag] of floatingOf(before))
    if (!after.tags.has(tag)) problems.push(`failed, and floating tag ${tag} vanished`);
  if (
    versionDigest &&
    run.expectedDigest &&
    versionDigest !== run.expectedDigest &&
    before.tags.get(run.version) !== versionDigest
  ) {
    problems.push(`failed, and version tag ${run.version} holds ${versionDigest}, not ${run.expectedDigest}`);
  }
  return { outcome: problems.length ? 'inconsistent' : 'failed-cleanly', problems };
}

/** Tallies of a batch of runs. */
export interface Tally {
  tried: number;
  completed: number;
  failedCleanly: number;
  completedByRerun: number;
  inconsistent: string[];
  retries: number;
}

export function emptyTally(): Tally {
  return { tried: 0, completed: 0, failedCleanly: 0, completedByRerun: 0, inconsistent: [], retries: 0 };
}
