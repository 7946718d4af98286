import type Docker from 'dockerode';
import { ModuleError } from '../errors.js';
import { reason } from './connect.js';

/** A registry login for the engine, held in memory and sent only in the X-Registry-Auth header. */
export interface EngineAuth {
  username: string;
  password: string;
  /** The registry host, e.g. `docker.io` or `127.0.0.1:5000`. */
  serveraddress: string;
}

interface PushEvent {
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Tag?: string; Digest?: string; Size?: number };
  progressDetail?: { current?: number; total?: number };
}

/**
 * Pushes one tag of a local image through the engine, with the login passed in memory (never a
 * Docker config file). The engine answers HTTP 200 and reports failures inside the progress
 * stream, so those are read here; returns the manifest digest the engine reports.
 */
export async function pushTag(
  docker: Docker,
  repository: string,
  tag: string,
  options: { auth?: EngineAuth; onEvent?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<string> {
  // The tag goes in the query: a name with a tag and a tag parameter confuses older engines.
  const image = docker.getImage(repository);
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await image.push({
      tag,
      ...(options.auth ? { authconfig: options.auth } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    })) as NodeJS.ReadableStream;
  } catch (error) {
    throw new ModuleError('push-failed', `the Docker Engine could not push ${repository}:${tag}: ${scrub(reason(error), options.auth)}`, {
      kind: 'environment',
    });
  }
  let digest: string | undefined;
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: PushEvent) => {
        if (event.aux?.Digest) digest = event.aux.Digest;
        if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error;
        if (event.status && !event.progressDetail?.total) options.onEvent?.(`${event.id ? `${event.id}: ` : ''}${event.status}`);
      },
    );
  }).catch((error: unknown) => {
    failure ??= reason(error);
  });
  if (failure) {
    const message = scrub(failure, options.auth);
    const auth = /unauthorized|authentication required|denied|401/i.test(message);
    throw new ModuleError(auth ? 'registry-auth' : 'push-failed', `pushing ${repository}:${tag} failed: ${message}`, {
      kind: 'environment',
      hint: auth ? 'Check the username and password or access token, and that the account may push to this repository.' : 'Check that the registry is reachable, then run the same command again: pushes are idempotent.',
    });
  }
  if (!digest) throw new ModuleError('push-failed', `the Docker Engine pushed ${repository}:${tag} but reported no digest`, { kind: 'environment' });
  return digest;
}

/** Removes a password that an engine or registry message might echo. */
function scrub(message: string, auth?: EngineAuth): string {
  if (!auth?.password) return message;
  return message.split(auth.password).join('***');
}
