import { ModuleError } from '../errors.js';
import type { RegistryClient, StoredManifest } from '../registry/client.js';
import { checkFloatingMove, type MoveCheck, type SkippedTag, type TagPlan, type TagPlanOptions } from '../release/index.js';
import type { Logger } from '../report/logger.js';
import { runnableImage } from './status.js';

/** One tag after publishing, read back from the registry. */
export interface PublishedTag {
  tag: string;
  kind: string;
  digest: string;
  reason: string;
}

/** Everything needed to point a plan's tags at one image in one repository. */
export interface TagMove {
  registry: RegistryClient;
  repository: string;
  /** The full repository name, for messages: `127.0.0.1:5000/acme/blur`. */
  name: string;
  /** The image: its digest and the exact manifest bytes every tag gets. */
  digest: string;
  manifest: StoredManifest;
  plan: TagPlan;
  tagOptions: TagPlanOptions;
  /** Tags of the plan already pointing at the image (the version tag, pushed before). */
  alreadySet: readonly string[];
  logger: Logger;
  signal?: AbortSignal | undefined;
}

/** Every planned tag read back, and the tags left where they were (the plan's and the re-check's). */
export interface TagMoveResult {
  tags: PublishedTag[];
  skipped: SkippedTag[];
}

/**
 * Points the plan's remaining tags at the image by PUT of the same manifest bytes. Each floating
 * tag is re-checked just before it moves (another publish may have moved it since the plan was
 * made): left alone when moving it would go backwards, not rewritten when it points at the image
 * already. Then every tag not skipped is read back and must resolve to the digest. Throws
 * ModuleError 'interrupted' or 'verify-failed'.
 */
export async function moveTagsForward(move: TagMove): Promise<TagMoveResult> {
  const { registry, repository, name, digest, manifest, plan, logger } = move;
  const skipped: SkippedTag[] = [...plan.skipped];
  const moved = [...move.alreadySet];
  for (const planned of plan.tags) {
    if (moved.includes(planned.tag)) continue;
    if (move.signal?.aborted) {
      const left = plan.tags.map((t) => t.tag).filter((t) => !moved.includes(t));
      throw new ModuleError('interrupted', `interrupted: ${name} has ${moved.join(', ')} on ${digest}; not moved: ${left.join(', ')}`, {
        kind: 'environment',
        hint: 'Run the same command again to finish: publishing is idempotent.',
      });
    }
    if (planned.kind !== 'sha') {
      const check = await recheckMove(registry, repository, planned.tag, digest, plan.version, move.tagOptions);
      if (check.verdict === 'backward') {
        skipped.push({ tag: planned.tag, reason: check.reason });
        continue;
      }
      if (check.verdict === 'unknown') logger.warn(`moving ${planned.tag} although ${check.reason}`);
      if (check.here) {
        moved.push(planned.tag); // a re-run: nothing to write
        continue;
      }
    }
    await registry.putManifest(repository, planned.tag, manifest.bytes, manifest.mediaType);
    moved.push(planned.tag);
  }
  return { tags: await verifyTags(registry, repository, plan, skipped, digest), skipped };
}

/** Reads what a floating tag points at right now and asks the release rules whether moving is forward; `here` when it already points at the image. */
async function recheckMove(registry: RegistryClient, repository: string, tag: string, digest: string, version: string, tagOptions: TagPlanOptions): Promise<MoveCheck & { here?: boolean }> {
  const head = await registry.headManifest(repository, tag);
  if (!head) return checkFloatingMove(tag, { state: 'absent' }, version, tagOptions);
  if (head.digest === digest) return { verdict: 'forward', current: version, reason: `${tag} already points at this image`, here: true };
  const stored = await registry.getManifest(repository, head.digest);
  // For a multi-platform image, the version is read from the image a mercure server runs.
  const image = await runnableImage(registry, repository, stored);
  const label = image?.config.config?.Labels?.['org.opencontainers.image.version'];
  return checkFloatingMove(tag, { state: 'present', versionLabel: label }, version, tagOptions);
}

async function verifyTags(registry: RegistryClient, repository: string, plan: TagPlan, skipped: readonly SkippedTag[], digest: string): Promise<PublishedTag[]> {
  const left = new Set(skipped.map((s) => s.tag));
  const tags: PublishedTag[] = [];
  for (const planned of plan.tags) {
    if (left.has(planned.tag)) continue;
    const head = await registry.headManifest(repository, planned.tag);
    if (head?.digest !== digest) {
      throw new ModuleError('verify-failed', `${repository}:${planned.tag} resolves to ${head?.digest ?? 'nothing'} after publishing, not ${digest}`, {
        kind: 'environment',
        hint: 'Another publish may have raced this one; run the command again to re-check and repair the tags.',
      });
    }
    tags.push({ tag: planned.tag, kind: planned.kind, digest: head.digest, reason: planned.reason });
  }
  return tags;
}
