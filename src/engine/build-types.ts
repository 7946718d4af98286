import type { Credentials } from '../registry/auth.js';
import type { BuildSettings } from './build-settings.js';

/** What to build and how; everything but `dir` is optional. */
export interface BuildSpec extends BuildSettings {
  dir: string;
  /** Full references to tag the result with, e.g. `acme/blur:1.2.3`. */
  tags?: string[];
  /** Each line of build output (secrets scrubbed), with the name of the step it belongs to when known. */
  onLine?: (line: string, step: string | undefined) => void;
  /** The environment of the docker CLI (PATH finds it and its plugins; DOCKER_CONFIG its logins). */
  env?: NodeJS.ProcessEnv;
  /**
   * Logins given to this tool, by registry host (`docker.io` for Docker Hub), for the pulls of
   * the build (a FROM on a private base image); the Docker config's own logins need no entry here.
   */
  logins?: Record<string, Credentials>;
  signal?: AbortSignal;
}

export interface BuildResult {
  imageId: string;
  /** The whole build output, for the report's log tail. */
  log: string[];
  /** Which builder built it: BuildKit through buildx, or the Engine's legacy builder. */
  builder: 'buildkit' | 'legacy';
  /** The Dockerfile steps that came from the build cache, e.g. `RUN pip install -r requirements.txt`. */
  cachedSteps: string[];
}

/** Thrown when the Dockerfile fails to build; carries the failing step and the output tail. */
export class BuildFailure extends Error {
  /** True when BuildKit could not fetch the frontend image a `# syntax=` line names. */
  readonly frontend: boolean;
  /** The base image whose registry asked for a login the build did not have, when that is why it failed. */
  readonly deniedBase: string | undefined;

  constructor(
    message: string,
    readonly step: string | undefined,
    readonly log: string[],
    options: { frontend?: boolean } = {},
  ) {
    super(message);
    this.frontend = options.frontend ?? false;
    this.deniedBase = refusedBase(step, message);
  }
}

/**
 * The base image of a failed step whose pull the registry refused for want of a login:
 * BuildKit's "load metadata for REF" or "FROM REF", the legacy builder's "Step 1/2 : FROM REF".
 */
export function refusedBase(step: string | undefined, message: string): string | undefined {
  const refused = /\b401\b|unauthorized|no basic auth credentials|authentication required|failed to authorize/i;
  if (!step || !refused.test(message)) return undefined;
  const from = /^(?:load metadata for|FROM)\s+(?:--\S+\s+)*(\S+)/i.exec(step.replace(/^Step \d+\/\d+ : /, ''));
  return from?.[1];
}
