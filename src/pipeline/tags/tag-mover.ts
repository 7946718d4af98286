import { ModuleError, isModuleError } from '../../errors.js';
import type { RegistryClient, StoredManifest } from '../../registry/client.js';
import {
  compareVersions,
  parseVersion,
  type FloatingKind,
  type PlannedTag,
  type SkippedTag,
  type TagPlan,
  type TagPlanOptions,
} from '../../release/index.js';
import type { Logger } from '../../logger.js';
import { labelledVersion, recheckMove, settleFloating, type GuardContext } from './tag-guard.js';

/** One tag after publishing, read back from the registry. */
export interface PublishedTag {
  tag: string;
  kind: string;
  /** What the tag resolves to now: the image's digest, or a newer one's (see movedOnTo). */
  digest: string;
  reason: string;
  /** Set when another publish moved this floating tag on to a newer version meanwhile (forward: fine). */
  movedOnTo?: string;
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

const FLOATING = new Set<string>(['minor', 'major', 'latest', 'channel', 'extra']);

/**
 * Points the plan's remaining tags at the image by PUT of the same manifest bytes. Each floating
 * tag is re-checked just before it moves (another publish may have moved it since the plan was
 * made): left alone when moving it would go backwards, not rewritten when it points at the image
 * already; and settled right after (see settleFloating): put back on the highest version when a
 * concurrent publish of a newer one was overwritten. No PUT starts once `signal` has fired. Then
 * every tag not skipped is read back: it must resolve to the digest, or (a floating tag) to a
 * newer version another publish moved it to. Any failure is rethrown with what was moved and what
 * was not, so that a re-run (which is idempotent) can finish the job.
 */
export async function moveTagsForward(move: TagMove): Promise<TagMoveResult> {
  const { registry, repository, name, digest, manifest, plan, logger } = move;
  const ctx: GuardContext = {
    registry,
    repository,
    name,
    digest,
    manifest,
    version: plan.version,
    tagOptions: move.tagOptions,
    logger,
  };
  const steady = registry.uninterruptible();
  const skipped: SkippedTag[] = [...plan.skipped];
  const moved = [...move.alreadySet];
  try {
    for (const planned of plan.tags) {
      if (moved.includes(planned.tag)) continue;
      checkInterrupt(move.signal);
      if (FLOATING.has(planned.kind)) {
        const check = await recheckMove(ctx, planned.tag);
        if (check.verdict === 'backward') {
          skipped.push({ tag: planned.tag, reason: check.reason });
          continue;
        }
        if (check.verdict === 'unknown') logger.warn(`moving ${planned.tag} although ${check.reason}`);
        checkInterrupt(move.signal);
        if (!check.here) await registry.putManifest(repository, planned.tag, manifest.bytes, manifest.mediaType);
        moved.push(planned.tag);
        // The settle finishes the move even after an interrupt: our PUT may have overwritten a
        // newer version, and only the settle can see that and put it back.
        const settled = await settleFloating({ ...ctx, registry: steady }, planned.tag, planned.kind as FloatingKind);
        if (settled.state === 'moved-on')
          logger.info(
            `${name}:${planned.tag} is on ${settled.version}, which another publish released meanwhile: it only moved forward`,
          );
      } else {
        await registry.putManifest(repository, planned.tag, manifest.bytes, manifest.mediaType);
        moved.push(planned.tag);
      }
    }
    return { tags: await verifyTags(ctx, plan, skipped), skipped };
  } catch (error) {
    throw withProgress(
      error,
      name,
      digest,
      moved,
      plan.tags.filter((t) => !moved.includes(t.tag) && !skipped.some((s) => s.tag === t.tag)),
    );
  }
}

/**
 * The final read-back: every tag not skipped resolves to the image, or a floating one to a newer
 * version; a floating one found on an older version is settled again (put back) first.
 */
async function verifyTags(ctx: GuardContext, plan: TagPlan, skipped: readonly SkippedTag[]): Promise<PublishedTag[]> {
  const left = new Set(skipped.map((s) => s.tag));
  const tags: PublishedTag[] = [];
  for (const planned of plan.tags) {
    if (left.has(planned.tag)) continue;
    const head = await ctx.registry.headManifest(ctx.repository, planned.tag);
    if (head?.digest === ctx.digest) {
      tags.push({ tag: planned.tag, kind: planned.kind, digest: head.digest, reason: planned.reason });
      continue;
    }
    if (!FLOATING.has(planned.kind)) throw verifyFailed(ctx, planned, head?.digest);
    let newer = head ? await movedOn(ctx, head.digest) : undefined;
    let digest = head?.digest;
    if (!newer) {
      // Older than ours: an older publish's PUT landed after our settle, and its own settle will
      // put it back; so do we, now, rather than report a state that is about to heal.
      const settled = await settleFloating(ctx, planned.tag, planned.kind as FloatingKind);
      if (settled.state === 'ours') {
        tags.push({ tag: planned.tag, kind: planned.kind, digest: ctx.digest, reason: planned.reason });
        continue;
      }
      [newer, digest] = [settled.version, settled.digest];
    }
    ctx.logger.info(
      `${ctx.name}:${planned.tag} was moved on to ${newer} by another publish meanwhile: that is forward, and fine`,
    );
    tags.push({
      tag: planned.tag,
      kind: planned.kind,
      digest: digest ?? '',
      reason: `${planned.reason}; moved on to ${newer} since`,
      movedOnTo: newer,
    });
  }
  return tags;
}

/** The version at `digest` when it is newer than the one published, else undefined. */
async function movedOn(ctx: GuardContext, digest: string): Promise<string | undefined> {
  const holds = await labelledVersion(ctx, digest);
  return holds && compareVersions(holds, parseVersion(ctx.version)) > 0 ? holds.version : undefined;
}

function verifyFailed(ctx: GuardContext, planned: PlannedTag, found: string | undefined): ModuleError {
  const what = FLOATING.has(planned.kind) ? `, nor a newer version` : '';
  return new ModuleError(
    'verify-failed',
    `${ctx.name}:${planned.tag} resolves to ${found ?? 'nothing'} after publishing, not ${ctx.digest}${what}`,
    {
      kind: 'environment',
      hint: 'Something else wrote that tag (an older publish, or another tool); run the command again to re-check and repair the tags.',
    },
  );
}

function checkInterrupt(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  throw new ModuleError('interrupted', timedOut ? 'timed out' : 'interrupted', { kind: 'environment' });
}

/** The failure, said with what this publish left behind: which tags point at the image and which do not. */
function withProgress(
  error: unknown,
  name: string,
  digest: string,
  moved: readonly string[],
  left: readonly PlannedTag[],
): unknown {
  if (!isModuleError(error)) return error;
  const done = moved.length > 0 ? `${name} has ${moved.join(', ')} on ${digest}` : `no tag of ${name} was set`;
  const notYet = left.length > 0 ? `; not moved: ${left.map((t) => t.tag).join(', ')}` : '';
  if (error.code === 'interrupted') {
    const why = /^timed out/.test(error.message) ? 'timed out' : 'interrupted';
    return new ModuleError(
      'interrupted',
      `${why}: ${done}${notYet} (no tag moves after the ${why === 'timed out' ? 'deadline' : 'interrupt'})`,
      {
        kind: error.kind,
        hint: 'Run the same command again to finish: publishing is idempotent (tags already set are left, the rest re-checked and moved).',
        cause: error,
      },
    );
  }
  const again =
    'run the same command again to finish: publishing is idempotent (tags already set are left, the rest re-checked and moved).';
  return new ModuleError(error.code, `${error.message}; ${done}${notYet}`, {
    kind: error.kind,
    hint: error.hint ? `${error.hint} Then ${again}` : `R${again.slice(1)}`,
    cause: error,
  });
}
