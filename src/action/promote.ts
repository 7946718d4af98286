import { ModuleError } from '../errors.js';
import { promote } from '../pipeline/promote.js';
import { smokeRevalidator } from '../pipeline/validation/revalidate.js';
import type { Credentials } from '../registry/auth.js';
import { parseReference } from '../registry/reference.js';
import type { Logger } from '../logger.js';
import type { ActionOutcome } from './outcome.js';
import type { ActionInputs } from './inputs.js';
import { escapeHtml } from './summary.js';

/**
 * The login for the source registry: source-username/-password when given; else the target's
 * login, but only when the source is on the target's registry (one login for staging and release
 * repositories there). A login is never sent to another registry than the one it was given for.
 */
export function sourceCredentials(inputs: ActionInputs, from: string, to: string): Credentials | undefined {
  if (inputs.sourceCredentials) return inputs.sourceCredentials;
  return parseReference(from).registry === parseReference(to).registry ? inputs.credentials : undefined;
}

/** `promote`: the tested image (promote-from) copied whole to `image`, its tags moved forward only. */
export async function runPromote(inputs: ActionInputs, logger: Logger, signal: AbortSignal): Promise<ActionOutcome> {
  if (!inputs.image || !inputs.promoteFrom)
    throw new ModuleError('bad-input', 'promote needs the inputs "image" and "promote-from"');
  const sourceLogin = sourceCredentials(inputs, inputs.promoteFrom, inputs.image);
  const result = await promote({
    from: inputs.promoteFrom,
    to: inputs.image,
    ...(inputs.version ? { version: inputs.version } : {}),
    source: {
      ...(sourceLogin ? { credentials: sourceLogin } : {}),
      ...(inputs.sourceRegistryUrl ? { registryUrl: inputs.sourceRegistryUrl } : {}),
    },
    target: {
      ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
      ...(inputs.registryUrl ? { registryUrl: inputs.registryUrl } : {}),
    },
    tagOptions: inputs.tagOptions,
    repository: inputs.repository,
    dryRun: inputs.dryRun,
    revalidate: smokeRevalidator({
      logger,
      signal,
      level: inputs.level,
      requiresRoot: inputs.requiresRoot,
      network: inputs.network,
      ...(sourceLogin ? { credentials: sourceLogin } : {}),
      ...(inputs.timeoutSeconds !== undefined ? { timeoutSeconds: inputs.timeoutSeconds } : {}),
      ...(inputs.fixtures !== undefined ? { fixtures: inputs.fixtures } : {}),
      ...(inputs.settings ? { settings: inputs.settings } : {}),
      ...(inputs.moduleConfig ? { moduleConfig: inputs.moduleConfig } : {}),
    }),
    logger,
    signal,
  });
  const copied = `${result.blobs.mounted} blob(s) mounted, ${result.blobs.uploaded} uploaded, ${result.blobs.skipped} already there`;
  logger.info(
    `${result.dryRun ? 'would promote' : 'promoted'} ${result.source} to ${result.image} ${result.version}${result.dryRun ? '' : `: ${copied}`}`,
  );
  const tags = result.dryRun
    ? result.plan.tags.map((t) => ({ tag: t.tag, reason: t.reason }))
    : result.tags.map((t) => ({ tag: t.tag, digest: t.digest, reason: t.reason }));
  return {
    command: 'promote',
    subject: `${result.image} ${result.version}`,
    ok: true,
    version: result.version,
    image: result.image,
    digest: result.digest,
    tags,
    skipped: result.skipped,
    dryRun: result.dryRun,
    report: result,
    note: `from <code>${escapeHtml(result.source)}</code>${result.dryRun ? '' : `: ${copied}`}`,
  };
}
