import type { Logger } from '../logger.js';
import { displayUrl, networkCode, type RetryPolicy } from '../registry/transport.js';
import { hubRateLimited, hubUnreachable } from './failures.js';
import { readRateLimit, retryAt, type HubRateLimit } from './rate-limit.js';

/** How requests reach Docker Hub: fetch, clock, sleep, retry policy and where retries are told. */
export interface HubTransport {
  fetch: typeof fetch;
  /** The clock that X-Retry-After (a unix time) is read against. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** Decides retries of 5xx answers, reset connections and bounded 429 waits (the registry's policy type). */
  retry: RetryPolicy;
  /** A 429 asking to wait longer than this fails at once with 'hub-rate-limited'. */
  maxRateLimitWaitMs: number;
  /** Told the X-RateLimit-* headers of every answer that carries them. */
  onRateLimit?: (limit: HubRateLimit) => void;
}

const RETRY_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const RETRY_STATUS = new Set([500, 502, 503, 504]);

/**
 * Sends one request to Hub. 5xx answers and reset connections are retried with the policy's
 * backoff; a 429 is retried after the wait Hub asks for when that wait is at most
 * `maxRateLimitWaitMs`, else it fails with 'hub-rate-limited' saying when to retry. A failed
 * connection becomes 'hub-unreachable'. Any other answer (and the last 5xx) is returned.
 *
 * The registry's `send` is not reused as is: it reads Retry-After against the real clock, calls
 * its failures 'registry-*' and returns a 429 it gave up on; Hub needs all three otherwise.
 */
export async function sendToHub(
  transport: HubTransport,
  url: string,
  init: RequestInit,
  what: string,
): Promise<Response> {
  const method = init.method ?? 'GET';
  const where = displayUrl(url);
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await transport.fetch(url, init);
    } catch (error) {
      const code = networkCode(error);
      if (code === undefined) throw error;
      const delay = RETRY_NETWORK.has(code)
        ? transport.retry({ attempt, method, url: where, networkCode: code })
        : undefined;
      if (delay === undefined) throw hubUnreachable(url, code, error);
      await pause(transport, `${code} on ${method} ${where}`, attempt, delay);
      continue;
    }
    const limit = readRateLimit(response.headers);
    if (limit) transport.onRateLimit?.(limit);
    if (response.status === 429) {
      const now = transport.now();
      const until = retryAt(response.headers, now);
      const wait = until === undefined ? undefined : Math.max(0, until - now);
      const delay =
        wait !== undefined && wait > transport.maxRateLimitWaitMs
          ? undefined
          : transport.retry({ attempt, method, url: where, status: 429, retryAfterMs: wait });
      await response.body?.cancel().catch(() => {});
      if (delay === undefined) throw hubRateLimited(what, until, now);
      await pause(transport, `rate limit (HTTP 429) on ${method} ${where}`, attempt, delay);
      continue;
    }
    if (!RETRY_STATUS.has(response.status)) return response;
    const delay = transport.retry({ attempt, method, url: where, status: response.status });
    if (delay === undefined) return response;
    await response.body?.cancel().catch(() => {});
    await pause(transport, `HTTP ${response.status} on ${method} ${where}`, attempt, delay);
  }
}

async function pause(transport: HubTransport, what: string, attempt: number, delay: number): Promise<void> {
  transport.logger.warn(`Docker Hub: ${what}; trying again (retry ${attempt}) in ${(delay / 1000).toFixed(1)} s`);
  await transport.sleep(delay);
}
