import { ModuleError } from '../../errors.js';
import { HubClient } from '../../hub/client.js';
import { ensureRepository, type HubVisibility } from '../../hub/ensure.js';
import type { Credentials } from '../../registry/auth.js';
import { DOCKER_HUB, type ImageReference } from '../../registry/reference.js';
import type { Logger } from '../../logger.js';

/** What publishing asks of the target repository before the first push. */
export interface RepositoryOptions {
  visibility?: HubVisibility;
  /** Change an existing repository's visibility instead of refusing the mismatch. */
  changeVisibility?: boolean;
  description?: string;
  readme?: string;
  /** Docker Hub's web API; set it to treat another registry's repositories as Hub's (tests). */
  hubUrl?: string;
}

/** What was done to the repository, for the report. */
export interface RepositoryOutcome {
  managed: 'docker-hub' | 'registry';
  visibility?: HubVisibility;
  created: boolean;
  visibilityChanged: boolean;
  note?: string;
  warnings: string[];
}

/**
 * Prepares the target repository before anything is pushed. On Docker Hub a push to a missing
 * repository creates it PUBLIC, so the repository is created with the asked visibility first, an
 * existing one with the other visibility is refused (unless changeVisibility), and a missing one
 * with no visibility asked is refused rather than exposed. Other registries decide visibility
 * themselves: that is said, not pretended. A dry run only reads.
 */
export async function prepareRepository(
  target: ImageReference,
  options: RepositoryOptions,
  credentials: Credentials | undefined,
  context: { dryRun: boolean; logger: Logger; signal?: AbortSignal | undefined },
): Promise<RepositoryOutcome> {
  const isHub = target.registry === DOCKER_HUB || options.hubUrl !== undefined;
  if (!isHub) {
    const note = options.visibility
      ? `visibility is ${target.registry}'s business: make ${target.repository} ${options.visibility} in that registry's own settings`
      : undefined;
    if (note) context.logger.warn(note);
    return { managed: 'registry', created: false, visibilityChanged: false, ...(note ? { note } : {}), warnings: [] };
  }
  if (credentials?.identityToken) {
    // Hub's API logs in with a user and a password or access token only, never a refresh token.
    throw new ModuleError(
      'hub-auth',
      `the login for Docker Hub ${credentials.origin ?? ''} is an identity token, which Docker Hub's API (repository visibility and description) does not take`.replace(
        '  ',
        ' ',
      ),
      {
        kind: 'environment',
        hint: 'Give a Docker Hub user and personal access token (username and password options, or MERCURE_REGISTRY_*), or `docker login -u USER` with that token.',
      },
    );
  }
  const [namespace = '', ...rest] = target.repository.split('/');
  const name = rest.join('/');
  const hub = new HubClient({
    ...(options.hubUrl ? { url: options.hubUrl } : {}),
    ...(credentials ? { credentials } : {}),
    logger: context.logger,
    signal: context.signal,
  });
  const existing = await hub.getRepository(namespace, name);
  const found: HubVisibility | undefined = existing ? (existing.isPrivate ? 'private' : 'public') : undefined;
  const texts = options.description !== undefined || options.readme !== undefined;
  if (!options.visibility && !found) {
    throw new ModuleError(
      'visibility-required',
      `${namespace}/${name} does not exist on Docker Hub yet, and a first push would create it PUBLIC`,
      {
        kind: 'usage',
        hint: (say) =>
          `Say which it should be: ${say.option('visibility', 'private')} (or public). The repository is created that way before the push.`,
      },
    );
  }
  // With no visibility asked, an existing repository keeps its own; its texts are still written.
  const visibility = options.visibility ?? found ?? 'private';
  if (!options.visibility && (!texts || context.dryRun)) {
    return { managed: 'docker-hub', visibility, created: false, visibilityChanged: false, warnings: [] };
  }
  if (context.dryRun) {
    const note = !found
      ? `would create ${namespace}/${name} as ${visibility} before the first push`
      : found === visibility
        ? undefined
        : `${namespace}/${name} is ${found}: the publish would be refused${options.changeVisibility ? ' (it would be made ' + visibility + ')' : ''}`;
    return {
      managed: 'docker-hub',
      visibility,
      created: false,
      visibilityChanged: false,
      ...(note ? { note } : {}),
      warnings: [],
    };
  }
  const outcome = await ensureRepository(hub, {
    namespace,
    name,
    visibility,
    ...(options.changeVisibility ? { changeVisibility: true } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.readme !== undefined ? { readme: options.readme } : {}),
  });
  for (const warning of outcome.warnings) context.logger.warn(warning);
  if (outcome.created) context.logger.info(`created ${namespace}/${name} on Docker Hub as ${visibility}`);
  return {
    managed: 'docker-hub',
    visibility,
    created: outcome.created,
    visibilityChanged: outcome.visibilityChanged,
    warnings: outcome.warnings,
  };
}
