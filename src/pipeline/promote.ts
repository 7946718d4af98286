import { ModuleError, isModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { RegistryClient } from '../registry/client.js';
import { copyImage, type BlobCounts } from '../registry/copy.js';
import { formatReference, parseReference, type ImageReference } from '../registry/reference.js';
import type { RetryOptions } from '../retry/index.js';
import { planTags, tryParseVersion, type SkippedTag, type TagPlan, type TagPlanOptions } from '../release/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { revalidationFailed } from './refusals.js';
import { runnableImage, tagNotFound } from './status.js';
import { moveTagsForward, type PublishedTag } from './tags/tag-mover.js';
import { prepareRepository, type RepositoryOptions, type RepositoryOutcome } from './access/repository.js';
import { registryClientFor, targetReference } from './access/registry-access.js';
import { loginFor, type LoginLookup } from './access/login.js';

/** One side of a promotion: a login and an API URL override, both optional. */
export interface PromoteSide {
  credentials?: Credentials;
  registryUrl?: string;
}

/** Options of `promote`. */
export interface PromoteOptions extends LoginLookup {
  /** The tested image: `REGISTRY/REPO:TAG` or `REGISTRY/REPO@sha256:…`. */
  from: string;
  /** The repository to release into, without tag: `acme/blur`, `ghcr.io/acme/blur`. */
  to: string;
  /** The release version; default: the source image's org.opencontainers.image.version label. */
  version?: string;
  source?: PromoteSide;
  target?: PromoteSide;
  tagOptions?: TagPlanOptions;
  /** Resolve, plan and check only: no smoke run, nothing written. */
  /** The release repository on Docker Hub: created with this visibility before the first copy, as publish does. */
  repository?: RepositoryOptions;
  dryRun?: boolean;
  /** Promote without re-validating the image (printed as a warning). */
  skipValidate?: boolean;
  /** Re-validates the image at a digest-pinned reference (the CLI runs the smoke run); false refuses. */
  revalidate?: (reference: string) => Promise<boolean>;
  /** How many blobs travel at once (default 3). */
  concurrency?: number;
  /** The fetch both registry clients use (tests wrap it to count requests). */
  fetch?: typeof fetch;
  /** Retries of registry requests and of blob copies; defaults: defaultRetryPolicy's. */
  retry?: RetryOptions;
  logger?: Logger;
  /** SIGINT/SIGTERM or a deadline: requests stop, no tag moves after it; the error says what was done. */
  signal?: AbortSignal;
}

/** What a promotion did (or, in a dry run, would do). */
export interface PromoteResult {
  /** The source, pinned to its digest: `127.0.0.1:5000/staging/blur@sha256:…`. */
  source: string;
  /** The destination repository's full name. */
  image: string;
  version: string;
  /** The same at source and destination. */
  digest: string;
  /** What was done to the release repository (Docker Hub: created, visibility). */
  repository?: RepositoryOutcome;
  dryRun: boolean;
  skipValidate: boolean;
  /** The version tag already held this digest. */
  alreadyPromoted: boolean;
  plan: TagPlan;
  tags: PublishedTag[];
  skipped: SkippedTag[];
  blobs: BlobCounts;
  /** Bytes streamed through this process (zero when every blob was mounted or present). */
  bytes: number;
  manifests: number;
  /** Retries made on the way (both registries), each logged once. */
  retries: number;
}

/**
 * Promotes a tested image to a release repository without rebuilding it: resolves the source
 * digest, re-validates that exact digest (unless skipValidate), copies it whole so the digest is
 * unchanged, then applies the forward-only tag plan at the destination the way publish does: the
 * version tag (refused when it holds another digest), then floating tags re-checked and read back.
 */
export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const logger = options.logger ?? silentLogger;
  const from = parseReference(options.from);
  const to = targetReference(
    options.to,
    `the destination ${options.to}`,
    'The tags come from the version: promote e.g. to acme/blur with --version 1.2.3.',
  );
  // Bad input fails here, before any request: a given version and the tag options.
  planTags(options.version ?? '0.0.0', [], options.tagOptions ?? {});
  options = {
    ...options,
    source: await side(from.registry, options.source, options, logger),
    target: await side(to.registry, options.target, options, logger),
  };
  const sourceClient = client(from, options.source, options, logger);
  const targetClient = client(to, options.target, options, logger);
  const name = formatReference({ ...to, tag: undefined, digest: undefined });

  const sourceRef = from.digest ?? from.tag;
  if (sourceRef === undefined) {
    throw new ModuleError('source-needs-tag', `the source ${options.from} names no tag or digest`, {
      hint: 'Name the tested image exactly, e.g. acme/blur-staging:1.2.3 or acme/blur-staging@sha256:…',
    });
  }
  const head = await sourceClient.headManifest(from.repository, sourceRef);
  if (!head)
    throw await tagNotFound(
      sourceClient,
      from.repository,
      formatReference({ ...from, tag: undefined, digest: undefined }),
      sourceRef,
    );
  const pinned = formatReference({ ...from, tag: undefined, digest: head.digest });
  const source = await sourceClient.getManifest(from.repository, head.digest);
  const label = (await runnableImage(sourceClient, from.repository, source))?.config.config?.Labels?.[
    'org.opencontainers.image.version'
  ];
  const version = versionOf(options.version, label, pinned, logger);

  const plan = planTags(version, await targetClient.listTags(to.repository), options.tagOptions ?? {});
  const versionTag = plan.tags[0]?.tag ?? plan.version;
  const held = await targetClient.headManifest(to.repository, versionTag);
  if (held && held.digest !== head.digest) throw versionExists(name, versionTag, held.digest, head.digest);
  const result: PromoteResult = {
    source: pinned,
    image: name,
    version: plan.version,
    digest: head.digest,
    dryRun: options.dryRun === true,
    skipValidate: options.skipValidate === true,
    alreadyPromoted: held !== undefined,
    plan,
    tags: [],
    skipped: [...plan.skipped],
    blobs: { mounted: 0, uploaded: 0, skipped: 0 },
    bytes: 0,
    manifests: 0,
    retries: 0,
  };
  // A first copy into a missing Docker Hub repository would create it PUBLIC: ask first, as publish
  // does, once the image has passed (a dry run only reads).
  const prepare = (dryRun: boolean) =>
    prepareRepository(to, options.repository ?? {}, options.target?.credentials, {
      dryRun,
      logger,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  if (options.dryRun) {
    result.repository = await prepare(true);
    return result;
  }

  try {
    await revalidate(pinned, options, logger);
    checkAborted(options.signal, 'before copying: nothing was written');
    result.repository = await prepare(false);
    const copied = await copyImage({
      from: { client: sourceClient, repository: from.repository, ref: head.digest },
      to: { client: targetClient, repository: to.repository },
      logger,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      if (isModuleError(error) && error.code === 'interrupted')
        checkAborted(
          options.signal,
          `while copying to ${name}: no tag was set; blobs copied so far stay, and a re-run skips them`,
        );
      throw error;
    });
    Object.assign(result, { blobs: copied.blobs, bytes: copied.bytes, manifests: copied.manifests });

    if (!result.alreadyPromoted) {
      // Re-read just before writing: another promotion may have taken the version since the plan.
      const now = await targetClient.headManifest(to.repository, versionTag);
      if (now && now.digest !== head.digest) throw versionExists(name, versionTag, now.digest, head.digest);
      checkAborted(options.signal, `the image is copied to ${name}@${head.digest} but no tag was set`);
      await targetClient.putManifest(to.repository, versionTag, source.bytes, source.mediaType);
    } else {
      logger.info(`${name}:${versionTag} already holds ${head.digest}: re-checking the floating tags only`);
    }
    const moved = await moveTagsForward({
      registry: targetClient,
      repository: to.repository,
      name,
      digest: head.digest,
      manifest: source,
      plan,
      tagOptions: options.tagOptions ?? {},
      alreadySet: [versionTag],
      logger,
      signal: options.signal,
    });
    result.tags = moved.tags;
    result.skipped = moved.skipped;
  } finally {
    result.retries = sourceClient.retries + (targetClient === sourceClient ? 0 : targetClient.retries);
  }
  return result;
}

function client(
  ref: ImageReference,
  side: PromoteSide | undefined,
  options: PromoteOptions,
  logger: Logger,
): RegistryClient {
  return registryClientFor(ref, {
    credentials: side?.credentials,
    registryUrl: side?.registryUrl,
    fetch: options.fetch,
    retry: options.retry,
    signal: options.signal,
    logger,
  });
}

/** A side of the promotion with the Docker config's login filled in where none was given. */
async function side(
  registry: string,
  given: PromoteSide | undefined,
  lookup: LoginLookup,
  logger: Logger,
): Promise<PromoteSide> {
  const credentials = await loginFor(registry, given?.credentials, lookup, logger);
  return { ...given, ...(credentials ? { credentials } : {}) };
}

/** The version to release as: the given one, else the image's label; a mismatch is worth a warning. */
function versionOf(given: string | undefined, label: string | undefined, pinned: string, logger: Logger): string {
  if (given === undefined) {
    if (label === undefined || !tryParseVersion(label)) {
      throw new ModuleError(
        'version-required',
        `${pinned} has no org.opencontainers.image.version label to promote it as`,
        {
          hint: 'Give the version to release it as, e.g. --version 1.2.3.',
        },
      );
    }
    return label;
  }
  const [a, b] = [tryParseVersion(given), label === undefined ? undefined : tryParseVersion(label)];
  if (a && (!b || a.version !== b.version)) {
    logger.warn(
      `promoting ${pinned} as ${a.version}, but its version label is ${label === undefined ? 'missing' : `"${label}"`}`,
    );
  }
  return given;
}

async function revalidate(pinned: string, options: PromoteOptions, logger: Logger): Promise<void> {
  if (options.skipValidate) {
    logger.warn(`promoting ${pinned} WITHOUT re-validation (--skip-validate)`);
    return;
  }
  if (!options.revalidate) {
    throw new ModuleError('not-validated', `no way to re-validate ${pinned} was given`, {
      kind: 'usage',
      hint: 'Pass a revalidate function (the CLI runs the smoke run), or skipValidate to promote without it.',
    });
  }
  const step = logger.step(`re-validating ${pinned}`);
  const ok = await options.revalidate(pinned);
  step.done(ok ? 'passed' : 'failed', ok ? 'ok' : 'failed');
  if (!ok) {
    throw revalidationFailed(pinned);
  }
}

function versionExists(name: string, tag: string, held: string, digest: string): ModuleError {
  return new ModuleError(
    'version-exists',
    `${name}:${tag} already exists with another image (${held}, not ${digest})`,
    {
      kind: 'refused',
      hint: 'Releases are immutable: promote a new version instead.',
    },
  );
}

function checkAborted(signal: AbortSignal | undefined, state: string): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'interrupted';
  throw new ModuleError('interrupted', `${why} ${state}`, {
    kind: 'environment',
    hint: 'Run the same command again to finish: promoting is idempotent.',
  });
}
