import { isModuleError, ModuleError } from '../errors.js';
import { fitRepositoryText } from './limits.js';
import type { HubRepositories, HubRepository } from './repository.js';

export type { HubRepositories } from './repository.js';

/** Who may pull a repository: only those given access, or everyone. */
export type HubVisibility = 'private' | 'public';

/** The repository a publish needs, and how it should look. */
export interface EnsureRepositoryRequest {
  namespace: string;
  name: string;
  visibility: HubVisibility;
  /** Change the visibility of an existing repository that has the other one, instead of refusing. */
  changeVisibility?: boolean;
  /** The short description to set (left as it is when undefined). */
  description?: string;
  /** The README to set as the full description (left as it is when undefined). */
  readme?: string;
}

/** What `ensureRepository` did. */
export interface EnsureRepositoryOutcome {
  /** The repository as it is now. */
  repository: HubRepository;
  created: boolean;
  visibilityChanged: boolean;
  /** True when the description or README was written. */
  descriptionUpdated: boolean;
  /** One line per text cut to Hub's limits. */
  warnings: string[];
}

const visibilityOf = (isPrivate: boolean): HubVisibility => (isPrivate ? 'private' : 'public');

/** ModuleError 'hub-visibility-mismatch', naming the options as the front door showing it spells them. */
export function visibilityMismatch(repository: string, found: HubVisibility, asked: HubVisibility): ModuleError {
  const risk =
    asked === 'private'
      ? 'publishing would expose the module image to anyone on Docker Hub'
      : 'users without access could not pull what is published';
  return new ModuleError(
    'hub-visibility-mismatch',
    (say) =>
      `${repository} is ${found} on Docker Hub but ${say.option('visibility', asked)} was asked: ${risk}; ${say.option('changeVisibility')} makes it ${asked}`,
    {
      kind: 'refused',
      hint: (say) =>
        asked === 'public'
          ? `Making it public exposes every tag already in ${repository}; or publish with ${say.option('visibility', 'private')}.`
          : `Or publish with ${say.option('visibility', 'public')} if ${repository} is meant to be public.`,
    },
  );
}

/**
 * Makes sure `namespace/name` exists on Hub with the asked visibility, BEFORE anything is pushed: a
 * push to a missing repository creates it with the account's default visibility, usually public.
 * A missing repository is created with that visibility and the text; an existing one with the
 * other visibility is refused ('hub-visibility-mismatch', nothing changed) unless
 * `changeVisibility`; then the description and README are written where they differ.
 */
export async function ensureRepository(
  hub: HubRepositories,
  request: EnsureRepositoryRequest,
): Promise<EnsureRepositoryOutcome> {
  const { namespace, name, visibility } = request;
  if (visibility !== 'private' && visibility !== 'public') {
    throw new ModuleError(
      'hub-bad-visibility',
      `visibility must be "private" or "public", not "${String(visibility)}"`,
      { kind: 'usage' },
    );
  }
  const full = `${namespace}/${name}`;
  const wantPrivate = visibility === 'private';
  const fitted = fitRepositoryText(full, { description: request.description, fullDescription: request.readme });
  const warnings = fitted.warnings;

  let existing = await hub.getRepository(namespace, name);
  if (!existing) {
    try {
      const made = await hub.createRepository(namespace, name, { isPrivate: wantPrivate, ...fitted.text });
      if (made.repository.isPrivate !== wantPrivate) {
        throw new ModuleError(
          'hub-visibility-mismatch',
          `Docker Hub created ${full} as ${visibilityOf(made.repository.isPrivate)} although ${visibility} was asked; nothing was pushed`,
          {
            kind: 'refused',
            hint: `Make ${full} ${visibility} on Docker Hub (and check the account's private repository allowance) before publishing.`,
          },
        );
      }
      const descriptionUpdated = request.description !== undefined || request.readme !== undefined;
      return { repository: made.repository, created: true, visibilityChanged: false, descriptionUpdated, warnings };
    } catch (error) {
      // A create Hub refused because the repository appeared meanwhile (another run, or a retried
      // create whose first answer was lost) is judged like any existing repository.
      if (!isModuleError(error) || error.code !== 'hub-rejected') throw error;
      existing = await hub.getRepository(namespace, name);
      if (!existing) throw error;
    }
  }

  let repository = existing;
  let visibilityChanged = false;
  if (existing.isPrivate !== wantPrivate) {
    if (!request.changeVisibility) throw visibilityMismatch(full, visibilityOf(existing.isPrivate), visibility);
    await hub.setVisibility(namespace, name, wantPrivate);
    repository = { ...repository, isPrivate: wantPrivate };
    visibilityChanged = true;
  }

  const update: { description?: string; fullDescription?: string } = {};
  if (fitted.text.description !== undefined && fitted.text.description !== existing.description) {
    update.description = fitted.text.description;
  }
  if (fitted.text.fullDescription !== undefined && fitted.text.fullDescription !== existing.fullDescription) {
    update.fullDescription = fitted.text.fullDescription;
  }
  const descriptionUpdated = Object.keys(update).length > 0;
  if (descriptionUpdated) {
    await hub.updateDescription(namespace, name, update);
    repository = { ...repository, ...update };
  }
  return { repository, created: false, visibilityChanged, descriptionUpdated, warnings };
}
