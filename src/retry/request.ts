import type { Logger } from '../logger.js';
import { retrying, type RetryContext, type Transient } from './loop.js';
import { displayUrl, isRetryableNetworkCode, networkCode, RETRY_STATUS } from './network.js';
import { answerWaitMs } from './wait.js';

/** How requests reach one peer (a registry, Docker Hub): fetch, retries, waits, clock, signal, log. */
export interface Peer extends RetryContext {
  fetch: typeof fetch;
  /**
   * The fetch limits each connection by silence (no byte in or out for the answer limit: see
   * registry/http-fetch.ts), so a try needs no limit on its whole length: a 16 MiB chunk over a
   * slow uplink takes as long as it takes.
   */
  boundsSilence?: boolean;
  /** Where retries are told (as warnings). */
  logger: Logger;
}

/** One request to a peer, with what its answers and failures mean. */
export interface PeerRequest {
  url: string;
  init: RequestInit;
  /** Who answers, for retry lines: `registry`, `Docker Hub`. */
  peer: string;
  /** Whether the body can be sent again (a stream cannot): only then is the request retried. */
  replayable: boolean;
  /** Not cut by the abort signal once sent: a manifest PUT either lands or not, never unknown. */
  atomic?: boolean;
  /** Reads each answer inside its try, so a body cut off half-way is retried like a lost connection. */
  receive?: (response: Response) => Promise<Response> | Response;
  /** A wait asked for (Retry-After) beyond this fails at once, the policy unasked. */
  maxRetryAfterMs?: number;
  /** When a 408/429/5xx answer is not tried again: the answer to return (the default), or an error thrown. */
  exhausted?: (response: Response, waitMs: number | undefined) => Response;
  /** The error for a failed connection that is not tried again. */
  unreachable: (code: string, error: unknown) => Error;
}

/** A 408/429/5xx answer on its way through the retry loop. */
class RetryableAnswer extends Error {
  constructor(
    readonly response: Response,
    readonly waitMs: number | undefined,
  ) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * Sends a request to a peer, retrying 408/429/5xx answers and reset connections as the peer's
 * policy allows (only when the body can be replayed). Any other status is returned for the caller
 * to judge; a failed connection becomes `request.unreachable(...)`, an abort ModuleError 'interrupted'.
 */
export async function sendWithRetries(peer: Peer, request: PeerRequest): Promise<Response> {
  const method = request.init.method ?? 'GET';
  const where = displayUrl(request.url);
  const signal = request.atomic ? undefined : peer.signal;
  const now = peer.now ?? Date.now;
  return retrying<Response>(
    { ...peer, signal },
    {
      method,
      url: where,
      what: `${method} ${where}`,
      tell: (message) => peer.logger.warn(`${request.peer}: ${message}`),
      judge: (error) => judge(error, request, `${method} ${where}`),
      giveUp: (error) => {
        if (error instanceof RetryableAnswer) {
          return request.exhausted ? request.exhausted(error.response, error.waitMs) : error.response;
        }
        const code = networkCode(error);
        throw code === undefined ? error : request.unreachable(code, error);
      },
    },
    async () => {
      let response: Response;
      try {
        response = await attemptOnce(peer, request, signal);
      } catch (error) {
        const code = networkCode(error);
        if (code === undefined || signal?.aborted) throw error;
        if (!request.replayable || !isRetryableNetworkCode(code)) throw request.unreachable(code, error);
        throw error;
      }
      if (!request.replayable || !RETRY_STATUS.has(response.status)) return response;
      throw new RetryableAnswer(response, answerWaitMs(response.status, response.headers, now()));
    },
  );
}

/**
 * The one place a single try of a request to a peer happens (a per-try timeout belongs here).
 */
async function attemptOnce(peer: Peer, request: PeerRequest, signal: AbortSignal | undefined): Promise<Response> {
  if (!request.replayable || peer.boundsSilence) {
    // A body (a layer streamed, a 16 MiB chunk) may take longer to send than any answer should
    // take to come: a limit on the whole try failed every upload slower than it. Its transport
    // bounds it by inactivity instead (registry/http-fetch.ts: no byte in or out for this long).
    const response = await peer.fetch(request.url, { ...request.init, ...(signal ? { signal } : {}) });
    return request.receive ? await request.receive(response) : response;
  }
  // A peer that accepts the connection and never answers: each try waits at most this long for the
  // answer's headers (undici's own limit is 300 s), then fails as a retryable ETIMEDOUT.
  const ms = responseTimeoutMs();
  const timer = new AbortController();
  const timeout = setTimeout(() => {
    const error = new Error(`${request.peer} did not answer within ${ms / 1000} s`) as NodeJS.ErrnoException;
    error.code = 'ETIMEDOUT';
    timer.abort(error);
  }, ms);
  try {
    const both = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
    const response = await peer.fetch(request.url, { ...request.init, signal: both });
    clearTimeout(timeout);
    return request.receive ? await request.receive(response) : response;
  } finally {
    clearTimeout(timeout);
  }
}

/** MERCURE_MODULE_REQUEST_TIMEOUT (seconds, default 30): how long one try waits for an answer. */
export function responseTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env['MERCURE_MODULE_REQUEST_TIMEOUT'] ?? '');
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) * 1000 : 30_000;
}

function judge(error: unknown, request: PeerRequest, on: string): Transient | undefined {
  if (error instanceof RetryableAnswer) {
    const { response, waitMs } = error;
    const label = response.status === 429 ? 'rate limit (HTTP 429)' : `HTTP ${response.status}`;
    return {
      why: `${label} on ${on}`,
      status: response.status,
      ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}),
      final: waitMs !== undefined && request.maxRetryAfterMs !== undefined && waitMs > request.maxRetryAfterMs,
      discard: () => response.body?.cancel().catch(() => {}) ?? Promise.resolve(),
    };
  }
  const code = networkCode(error);
  if (code === undefined || !isRetryableNetworkCode(code)) return undefined;
  return { why: `${code} on ${on}`, networkCode: code };
}
