// The two reads around each floating-tag move that keep it forward-only when several publishes
// of one module run at once: the re-check just before the PUT, and the settle just after it.
import { ModuleError } from '../../errors.js';
import type { RegistryClient, StoredManifest } from '../../registry/client.js';
import {
  affix,
  checkFloatingMove,
  compareVersions,
  covers,
  existingVersions,
  normaliseTagOptions,
  parseVersion,
  tryParseVersion,
  unaffix,
  type FloatingKind,
  type MoveCheck,
  type ReleaseVersion,
  type TagPlanOptions,
} from '../../release/index.js';
import type { Logger } from '../../logger.js';
import { runnableImage } from '../status.js';

/** The image being published and where: what the guards need to judge a floating tag. */
export interface GuardContext {
  registry: RegistryClient;
  repository: string;
  /** The full repository name, for messages. */
  name: string;
  digest: string;
  manifest: StoredManifest;
  /** The normalised version being published. */
  version: string;
  tagOptions: TagPlanOptions;
  logger: Logger;
}

/** Where a floating tag ended up after our move, once the registry was read again. */
export type Settled = { state: 'ours' } | { state: 'moved-on'; version: string; digest: string };

/** How many times a floating tag is put right again before giving up: each round is a list, a HEAD and at most one PUT. */
const SETTLE_ROUNDS = 4;

/** Reads what a floating tag points at right now and asks the release rules whether moving is forward; `here` when it already points at the image. */
export async function recheckMove(ctx: GuardContext, tag: string): Promise<MoveCheck & { here?: boolean }> {
  const head = await ctx.registry.headManifest(ctx.repository, tag);
  if (!head) return checkFloatingMove(tag, { state: 'absent' }, ctx.version, ctx.tagOptions);
  if (head.digest === ctx.digest)
    return { verdict: 'forward', current: ctx.version, reason: `${tag} already points at this image`, here: true };
  const label = await versionLabel(ctx, head.digest);
  return checkFloatingMove(tag, { state: 'present', versionLabel: label }, ctx.version, ctx.tagOptions);
}

/**
 * Called right after our PUT of a floating tag. A registry has no compare-and-swap for tags, so
 * between our re-check and our PUT another publish may have moved the tag to a newer version,
 * which our PUT then overwrote. We cannot prevent that; we can see it and undo it: every version
 * tag is pushed before its publish moves any floating tag, so a newer version that moved this
 * tag before our PUT is in the tag list we read after it. The tag must end on the highest
 * version it covers among those (ours when there is none newer); when it does not, that image
 * is put back, and the registry read again, at most SETTLE_ROUNDS times. Every publish settles
 * after its own last PUT, so whichever PUT lands last, its settle leaves the highest version.
 * A tag found on something newer still (a publish that moved it after our list) is left there:
 * that is forward. Limits: a registry whose tag list lags behind its writes narrows this guard
 * (the final read-back still tells), and an older publish killed outright between its PUT and its
 * settle leaves the tag back until the next publish of the module or a re-run. An interrupt does
 * not stop a settle (the caller gives it a client without the signal): a settle only ever puts
 * a tag forward again.
 */
export async function settleFloating(ctx: GuardContext, tag: string, kind: FloatingKind): Promise<Settled> {
  const { registry, repository } = ctx;
  const { variant, channel } = normaliseTagOptions(ctx.tagOptions);
  const ours = parseVersion(ctx.version);
  for (let round = 1; round <= SETTLE_ROUNDS; round++) {
    const newer = highest(
      existingVersions(await registry.listTags(repository), variant, channel).filter(
        (v) => covers(kind, ours, v) && compareVersions(v, ours) > 0,
      ),
    );
    const goal = newer
      ? await registry.headManifest(repository, affix(variant, newer.version))
      : { digest: ctx.digest };
    const head = await registry.headManifest(repository, tag);
    if (goal && head?.digest === goal.digest)
      return newer ? { state: 'moved-on', version: newer.version, digest: goal.digest } : { state: 'ours' };
    const holds = head ? await labelledVersion(ctx, head.digest) : undefined;
    const floor = newer ?? ours;
    // On the goal or past it (in version order, as the re-check judges): forward, leave it.
    if (head && holds && compareVersions(holds, floor) >= 0) {
      return holds.version === ours.version && head.digest === ctx.digest
        ? { state: 'ours' }
        : { state: 'moved-on', version: holds.version, digest: head.digest };
    }
    if (head && !holds) {
      throw new ModuleError(
        'verify-failed',
        `${ctx.name}:${tag} was replaced by ${head.digest}, an image without a version label, while this publish moved it`,
        {
          kind: 'environment',
          hint: 'Something other than this tool writes that tag; find it, then run the same command again.',
        },
      );
    }
    if (!goal) break; // the newer version tag vanished between two reads: read everything again
    const image = newer ? await registry.getManifest(repository, goal.digest) : ctx.manifest;
    if (!head)
      ctx.logger.warn(
        `${ctx.name}:${tag} was deleted right after this publish moved it; putting it on ${floor.version}`,
      );
    else if (head.digest === ctx.digest)
      ctx.logger.warn(
        `${ctx.name}:${tag}: ${floor.version} was published meanwhile, and this publish's move may have overwritten it; putting ${tag} on ${floor.version}`,
      );
    else
      ctx.logger.warn(
        `${ctx.name}:${tag} was moved back to ${holds?.version} by another publish right after this one moved it; putting it on ${floor.version}`,
      );
    await registry.putManifest(repository, tag, image.bytes, image.mediaType);
  }
  throw new ModuleError(
    'verify-failed',
    `${ctx.name}:${tag} kept moving while this publish put it on the highest version (${SETTLE_ROUNDS} tries)`,
    {
      kind: 'environment',
      hint: 'Several publishes of this module run at once; run the same command again once they are done.',
    },
  );
}

/** The release version of the image at `digest` (by its version label), if it has one. */
export async function labelledVersion(ctx: GuardContext, digest: string): Promise<ReleaseVersion | undefined> {
  const label = (await versionLabel(ctx, digest))?.trim();
  if (!label) return undefined;
  const variant = normaliseTagOptions(ctx.tagOptions).variant;
  const bare = variant.prefix || variant.suffix ? unaffix(variant, label) : undefined;
  return (bare === undefined ? undefined : tryParseVersion(bare)) ?? tryParseVersion(label);
}

async function versionLabel(ctx: GuardContext, digest: string): Promise<string | undefined> {
  const stored = await ctx.registry.getManifest(ctx.repository, digest);
  // For a multi-platform image, the version is read from the image a mercure server runs; an
  // index without one (an arm64-only release) from its first image: one release's images carry
  // one version.
  const image = await runnableImage(ctx.registry, ctx.repository, stored, { orFirstImage: true });
  return image?.config.config?.Labels?.['org.opencontainers.image.version'];
}

function highest(versions: readonly ReleaseVersion[]): ReleaseVersion | undefined {
  let top: ReleaseVersion | undefined;
  for (const v of versions) if (!top || compareVersions(v, top) > 0) top = v;
  return top;
}
