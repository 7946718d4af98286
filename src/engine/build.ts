import type Docker from 'dockerode';
import { buildWithEngine } from './build-legacy.js';
import { buildWithBuildx, findBuildx } from './buildx.js';
import type { BuildResult, BuildSpec } from './build-types.js';

export { BuildFailure, type BuildResult, type BuildSpec } from './build-types.js';
export { findBuildx, type Buildx } from './buildx.js';
export { LEGACY_LIMITS } from './build-legacy.js';
export { pickBuildSettings, type BuildSettings } from './build-settings.js';

/**
 * Builds the module image with BuildKit (`docker buildx build`, loaded into the engine) where
 * buildx runs, else with the Engine's legacy builder; callers warn about the fallback (see
 * `findBuildx` and LEGACY_LIMITS), since only they know how to tell the user.
 */
export async function buildImage(docker: Docker, spec: BuildSpec): Promise<BuildResult> {
  const buildx = await findBuildx(spec.env ?? process.env);
  return buildx ? buildWithBuildx(docker, spec) : buildWithEngine(docker, spec);
}
