import type Docker from 'dockerode';
import { connectEngine } from '../../engine/connect.js';
import { pullImage } from '../../engine/pull.js';
import type { Credentials } from '../../registry/auth.js';
import { parseReference } from '../../registry/reference.js';
import { silentLogger, type Logger } from '../../logger.js';
import { engineAuth } from '../../credentials/index.js';
import { loginFor, type LoginLookup } from '../access/login.js';
import { validate, type ValidateOptions, type ValidationReport } from '../validate.js';
import type { ModuleRunOptions } from './module-run.js';

/** How to re-run the smoke run on a registry image before promoting it. */
export type RevalidateOptions = Pick<ValidateOptions, 'timeoutSeconds' | 'fixtures' | 'level' | 'signal' | 'previews'> &
  ModuleRunOptions &
  LoginLookup & {
    credentials?: Credentials;
    logger?: Logger;
    docker?: Docker;
    /** Receives each report, e.g. to print it or write its HTML page (awaited). */
    onReport?: (report: ValidationReport) => void | Promise<void>;
  };

/**
 * Builds the `revalidate` step of promote: pull the digest-pinned source into the engine (login
 * in memory) and smoke-run exactly that image; true only when it passes.
 */
export function smokeRevalidator(options: RevalidateOptions): (reference: string) => Promise<boolean> {
  const logger = options.logger ?? silentLogger;
  return async (reference) => {
    const docker = await connectEngine(options.docker ? { docker: options.docker } : {});
    const step = logger.step(`pulling ${reference}`);
    const registry = parseReference(reference).registry;
    const credentials = await loginFor(registry, options.credentials, options, logger);
    await pullImage(docker, reference, {
      ...(credentials ? { auth: engineAuth(credentials, registry) } : {}),
      onEvent: (line) => logger.debug(line),
    });
    step.done();
    const { credentials: _credentials, onReport, docker: _docker, dockerConfig: _d, env: _e, ...smoke } = options;
    const report = await validate({ ...smoke, image: reference, recordTo: false, docker, logger });
    await onReport?.(report);
    return report.ok;
  };
}
