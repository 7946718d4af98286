import { sendWithRetries, type Peer } from '../retry/index.js';
import { hubRateLimited, hubUnreachable } from './failures.js';
import { readRateLimit, type HubRateLimit } from './rate-limit.js';

/** How requests reach Docker Hub: the retry core's peer, with Hub's bound on 429 waits. */
export interface HubTransport extends Peer {
  /** The clock that X-Retry-After (a unix time) is read against. */
  now: () => number;
  /** A 429 asking to wait longer than this fails at once with 'hub-rate-limited'. */
  maxRateLimitWaitMs: number;
  /** Told the X-RateLimit-* headers of every answer that carries them. */
  onRateLimit?: (limit: HubRateLimit) => void;
}

/**
 * Sends one request to Hub through the retry core: 5xx answers and reset connections are retried
 * with the policy's backoff; a 429 is retried after the wait Hub asks for when that wait is at most
 * `maxRateLimitWaitMs`, else it fails with 'hub-rate-limited' saying when to retry. A failed
 * connection becomes 'hub-unreachable', an abort (Ctrl-C during a 429 wait too) 'interrupted'.
 * Any other answer (and the last 5xx) is returned.
 */
export async function sendToHub(
  transport: HubTransport,
  url: string,
  init: RequestInit,
  what: string,
): Promise<Response> {
  return sendWithRetries(transport, {
    url,
    init,
    peer: 'Docker Hub',
    replayable: true,
    maxRetryAfterMs: transport.maxRateLimitWaitMs,
    receive: (response) => {
      const limit = readRateLimit(response.headers);
      if (limit) transport.onRateLimit?.(limit);
      return response;
    },
    exhausted: (response, waitMs) => {
      if (response.status !== 429) return response;
      void response.body?.cancel().catch(() => {});
      const now = transport.now();
      throw hubRateLimited(what, waitMs === undefined ? undefined : now + waitMs, now);
    },
    unreachable: (code, error) => hubUnreachable(url, code, error),
  });
}
