import { BuildFailure, findBuildx, LEGACY_LIMITS } from '../../engine/build.js';
import type { Logger } from '../../logger.js';
import { parseReference } from '../../registry/reference.js';

/** Loggers already told (release builds, then checks the same folder). */
const warned = new WeakSet<Logger>();

/**
 * Whether builds here get BuildKit; warns once per logger when they fall back to the Engine's
 * legacy builder, naming what that builder cannot do.
 */
export async function hasBuildkit(logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (await findBuildx(env)) return true;
  if (warned.has(logger)) return false;
  warned.add(logger);
  logger.warn(
    `docker buildx is not available: building with the Docker Engine's legacy builder, which cannot do ${LEGACY_LIMITS}`,
  );
  return false;
}

/** The one-line reason of a build failure, naming the failing step when there is one. */
export function failureText(error: BuildFailure): string {
  if (error.frontend)
    return `the build could not fetch the Dockerfile frontend named by its # syntax= line: ${error.message.trim()}`;
  if (error.deniedBase)
    return `the base image ${error.deniedBase} could not be pulled: its registry requires a login, and the build had none it accepts (${error.message.trim()})`;
  const at = error.step ? ` at "${error.step}"` : '';
  return `the build failed${at}: ${error.message.trim()}`;
}

/** What to do when a base image's registry wants a login (see BuildFailure.deniedBase). */
export function baseLoginHint(base: string): string {
  const registry = parseReference(base).registry;
  return `Log in to ${registry} where the build runs (\`docker login ${registry}\`, or docker/login-action), or give release the login of the registry it publishes to when the base image is there too.`;
}

/** Passes build output to the logger: the terminal shows the current step, -v and CI logs every line. */
export function buildOutput(logger: Logger): (line: string, step: string | undefined) => void {
  return (line, step) => {
    if (logger.output) logger.output(line, step);
    else logger.debug(line);
  };
}
