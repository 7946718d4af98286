/**
 * The refusals of publish and promote whose hints point at an option or a command. They name the
 * option by key (errors.ts OptionKey), so the CLI shows `--force` and the Action `force: true`, and
 * an option the door lacks (the Action has no skip-validate) is left out of the hint.
 */
import { ModuleError, type Spelling } from '../errors.js';

/** ModuleError 'version-exists': the version tag holds another image, and no force was given. */
export function versionTaken(reference: string, held: string): ModuleError {
  return new ModuleError('version-exists', `${reference} already exists with another image (${held})`, {
    kind: 'refused',
    hint: (say) => `Releases are immutable: publish a new version, or overwrite this one with ${say.option('force')}.`,
  });
}

/** `, or …with --skip-validate` where the door has the option, else nothing. */
const orSkip = (say: Spelling, what: string) =>
  say.has('skipValidate') ? `, or ${what} with ${say.option('skipValidate')}` : '';

/** ModuleError 'not-validated': the image has no passing validation in the state folder. */
export function notValidated(source: string, imageId: string): ModuleError {
  return new ModuleError('not-validated', `image ${source} (${imageId.slice(0, 19)}) never passed validation here`, {
    kind: 'refused',
    hint: (say) =>
      `Run ${say.option('command:validate')} on it first (or use ${say.option('command:release')}, which validates and publishes)${orSkip(say, 'publish it unvalidated')}.`,
  });
}

/** ModuleError 'not-validated': promote's re-validation of the source failed. */
export function revalidationFailed(pinned: string): ModuleError {
  return new ModuleError('not-validated', `${pinned} failed re-validation: nothing was promoted`, {
    kind: 'refused',
    hint: (say) => `Fix the module and publish a new version to the source${orSkip(say, 'promote this one anyway')}.`,
  });
}

/** What to do when the image to publish is not in the engine. */
export function buildItFirst(say: Spelling): string {
  const build = say.has('command:build')
    ? `Build it first (${say.option('command:build')} with this image and version)`
    : `Build it first (${say.option('command:validate')} builds it)`;
  return `${build}${say.has('source') ? `, or name it with ${say.option('source')}` : ''}.`;
}
