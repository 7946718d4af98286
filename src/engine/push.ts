import type Docker from 'dockerode';
import { ModuleError } from '../errors.js';
import { abortableSleep, defaultRetryPolicy, retrying } from '../retry/index.js';
import { reason } from './connect.js';

/** A registry login for the engine, held in memory and sent only in the X-Registry-Auth header. */
export interface EngineAuth {
  username: string;
  password: string;
  /** The registry host, e.g. `docker.io` or `127.0.0.1:5000`. */
  serveraddress: string;
  /** A Docker config identity token (an OAuth refresh token), used instead of username and password. */
  identitytoken?: string;
}

/** Options of `pushTag`. */
export interface PushOptions {
  auth?: EngineAuth;
  /** Progress lines (`<layer>: Pushed`), for a verbose log. */
  onEvent?: (line: string) => void;
  /** Bytes pushed so far over all layers being uploaded, and their total as the engine knows it. */
  onProgress?: (done: number, total: number) => void;
  /** Each retry, told once: why the push failed and when it is tried again. */
  onRetry?: (message: string) => void;
  signal?: AbortSignal;
  /** How many pushes to try in all when they fail for a passing reason (default 5). */
  attempts?: number;
  /** The wait before the first retry; each next one doubles, with jitter (default 1 s). */
  baseDelayMs?: number;
  /** No retry starts after this long since the first try (default 5 minutes). */
  maxElapsedMs?: number;
  /**
   * Asked after a failed push: the digest when the tag holds the image after all (the registry
   * stored the manifest and only the answer was lost), so no push is repeated for nothing.
   */
  landed?: () => Promise<string | undefined>;
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
 * What in an engine's push failure passes: a connection reset or cut short (EOF), a timeout, a
 * 408/429/5xx from the registry, an upload session the registry lost. Pushes are idempotent
 * (blobs already there are skipped), so such a push is simply run again.
 */
const PASSING = [
  /\bEOF\b/,
  /connection reset/i,
  /broken pipe/i,
  /timeout/i,
  /i\/o timeout/i,
  /toomanyrequests/i,
  /too many requests/i,
  /\b(408|429|50[0-4])\b/,
  /\b(unavailable|internal server error|bad gateway|service unavailable|gateway timeout)\b/i,
  /blob upload unknown/i,
  /upload unknown/i,
];
const AUTH = /unauthorized|authentication required|denied|\b401\b/i;

/**
 * Pushes one tag of a local image through the engine, with the login passed in memory (never a
 * Docker config file). The engine answers HTTP 200 and reports failures inside the progress
 * stream, so those are read here. A push that fails for a passing reason (see PASSING) is tried
 * again through the retry core, at most `attempts` times in all. Returns the
 * manifest digest the engine reports. Throws ModuleError 'push-failed', 'registry-auth' or
 * 'interrupted' (the signal fired: the tag may or may not have reached the registry).
 */
export async function pushTag(
  docker: Docker,
  repository: string,
  tag: string,
  options: PushOptions = {},
): Promise<string> {
  const attempts = options.attempts ?? 5;
  // One push is many requests: it backs off through the same policy as one request, from 1 s.
  const retry = defaultRetryPolicy({
    retries: attempts - 1,
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxElapsedMs: options.maxElapsedMs ?? 300_000,
  });
  let tries = 0;
  return retrying<string>(
    { retry, sleep: abortableSleep, signal: options.signal },
    {
      method: 'push',
      url: `${repository}:${tag}`,
      what: `push of ${repository}:${tag}`,
      maxAttempts: attempts,
      interrupted: (signal) => interruptedPush(signal, repository, tag),
      judge: (error) =>
        error instanceof PassingFailure ? { why: `pushing ${repository}:${tag} failed (${error.message})` } : undefined,
      giveUp: (error) => {
        throw failed(repository, tag, (error as Error).message, true, tries);
      },
      tell: (message) => options.onRetry?.(message),
    },
    async () => {
      tries++;
      const outcome = await pushOnce(docker, repository, tag, options);
      if (typeof outcome === 'string') return outcome;
      checkAborted(options.signal, repository, tag);
      const landed = await options.landed?.().catch(() => undefined);
      if (landed) return landed;
      const message = scrub(outcome.failure, options.auth);
      const passing = !AUTH.test(message) && PASSING.some((pattern) => pattern.test(message));
      if (!passing) throw failed(repository, tag, message, false, tries);
      throw new PassingFailure(message);
    },
  );
}

/** One push through the engine: the digest, or what the engine said went wrong. */
async function pushOnce(
  docker: Docker,
  repository: string,
  tag: string,
  options: PushOptions,
): Promise<string | { failure: string }> {
  // The tag goes in the query: a name with a tag and a tag parameter confuses older engines.
  const image = docker.getImage(repository);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await image.push({
      tag,
      ...(options.auth ? { authconfig: options.auth } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    });
  } catch (error) {
    checkAborted(options.signal, repository, tag);
    throw new ModuleError(
      'push-failed',
      `the Docker Engine could not push ${repository}:${tag}: ${scrub(reason(error), options.auth)}`,
      {
        kind: 'environment',
      },
    );
  }
  let digest: string | undefined;
  let failure: string | undefined;
  const layers = new Map<string, { current: number; total: number }>();
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: PushEvent) => {
        if (event.aux?.Digest) digest = event.aux.Digest;
        if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error;
        if (event.status && !event.progressDetail?.total)
          options.onEvent?.(`${event.id ? `${event.id}: ` : ''}${event.status}`);
        if (event.id && event.progressDetail?.total) {
          layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
          let done = 0;
          let total = 0;
          for (const layer of layers.values()) {
            done += layer.current;
            total += layer.total;
          }
          options.onProgress?.(done, total);
        }
      },
    );
  }).catch((error: unknown) => {
    failure ??= reason(error);
  });
  checkAborted(options.signal, repository, tag);
  if (failure) return { failure };
  if (!digest) return { failure: `the Docker Engine pushed ${repository}:${tag} but reported no digest` };
  return digest;
}

function failed(repository: string, tag: string, message: string, passing: boolean, tries: number): ModuleError {
  const auth = AUTH.test(message);
  const times = tries > 1 ? ` (${tries} tries)` : '';
  return new ModuleError(
    auth ? 'registry-auth' : 'push-failed',
    `pushing ${repository}:${tag} failed${times}: ${message}`,
    {
      kind: 'environment',
      hint: auth
        ? 'Check the username and password or access token, and that the account may push to this repository.'
        : passing
          ? 'The registry kept failing; run the same command again later: pushes are idempotent, and no floating tag was moved.'
          : 'Check that the registry is reachable, then run the same command again: pushes are idempotent.',
    },
  );
}

/** A push that failed for a passing reason (see PASSING): the retry loop tries it again. */
class PassingFailure extends Error {}

function checkAborted(signal: AbortSignal | undefined, repository: string, tag: string): void {
  if (signal?.aborted) throw interruptedPush(signal, repository, tag);
}

function interruptedPush(signal: AbortSignal, repository: string, tag: string): ModuleError {
  const reasonOf: unknown = signal.reason;
  const why = reasonOf instanceof Error && reasonOf.name === 'TimeoutError' ? 'timed out' : 'interrupted';
  return new ModuleError(
    'interrupted',
    `${why} while pushing ${repository}:${tag}: the version tag may or may not have reached the registry; no floating tag was moved`,
    {
      kind: 'environment',
      hint: 'Run the same command again to finish: pushes are idempotent.',
    },
  );
}

/** Removes a password (and its base64 forms) that an engine or registry message might echo. */
function scrub(message: string, auth?: EngineAuth): string {
  if (auth?.identitytoken) message = message.split(auth.identitytoken).join('***');
  if (!auth?.password) return message;
  // Longest first: the base64 of user:password contains that of the password when "user:" is 3n bytes.
  const forms = [
    Buffer.from(`${auth.username}:${auth.password}`).toString('base64'),
    Buffer.from(auth.password).toString('base64'),
    auth.password,
  ];
  return forms.reduce((text, form) => text.split(form).join('***'), message);
}
