// The step's outputs, named and shaped as docker/metadata-action and docker/build-push-action
// users know them: `tags` as full references one a line, `digest`, `version` without a v.
import type { ActionOutcome } from './outcome.js';

/** Every output action.yml declares, by name. */
export const OUTPUT_NAMES = ['version', 'tags', 'tag-names', 'digest', 'image', 'report', 'report-file'] as const;
/** One of OUTPUT_NAMES. */
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** The repository part of a reference: `acme/blur:1` -> `acme/blur` (a port's colon stays). */
function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? noDigest : noDigest.slice(0, colon);
}

/**
 * The outputs of a finished command. `tags` are the full references (metadata-action's form,
 * ready for `docker pull` or a later build-push-action), `tag-names` the bare names; both one a
 * line, in the plan's order (version, minor, major, latest, channel, extras, sha).
 */
export function actionOutputs(outcome: ActionOutcome): Record<OutputName, string> {
  const repository = outcome.image ? repositoryOf(outcome.image) : '';
  const names = outcome.tags.map((t) => t.tag);
  return {
    version: outcome.version ?? '',
    tags: repository ? names.map((name) => `${repository}:${name}`).join('\n') : '',
    'tag-names': names.join('\n'),
    digest: outcome.digest ?? '',
    image: outcome.image ?? '',
    report: JSON.stringify(outcome.report),
    'report-file': outcome.reportFile ?? '',
  };
}
