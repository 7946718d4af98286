import type Docker from 'dockerode';
import { ModuleError } from '../errors.js';
import { reason } from './connect.js';
import type { EngineAuth } from './push.js';

/**
 * Pulls an image (by tag or digest) into the engine with the login passed in memory. Like push,
 * the engine reports failures inside an HTTP 200 progress stream, so those are read here.
 */
export async function pullImage(
  docker: Docker,
  reference: string,
  options: { auth?: EngineAuth; onEvent?: (line: string) => void } = {},
): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(reference, options.auth ? { authconfig: options.auth } : {});
  } catch (error) {
    throw pullError(reference, scrub(reason(error), options.auth));
  }
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: {
        status?: string;
        id?: string;
        error?: string;
        errorDetail?: { message?: string };
        progressDetail?: { total?: number };
      }) => {
        if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error;
        if (event.status && !event.progressDetail?.total)
          options.onEvent?.(`${event.id ? `${event.id}: ` : ''}${event.status}`);
      },
    );
  }).catch((error: unknown) => {
    failure ??= reason(error);
  });
  if (failure) throw pullError(reference, scrub(failure, options.auth));
}

function pullError(reference: string, message: string): ModuleError {
  const auth = /unauthorized|authentication required|denied|401/i.test(message);
  return new ModuleError(auth ? 'registry-auth' : 'pull-failed', `pulling ${reference} failed: ${message}`, {
    kind: 'environment',
    hint: auth ? 'Check the login for the source registry.' : 'Check the reference and that the registry is reachable.',
  });
}

function scrub(message: string, auth?: EngineAuth): string {
  for (const secret of [auth?.identitytoken, auth?.password]) if (secret) message = message.split(secret).join('***');
  return message;
}
