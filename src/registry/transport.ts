import { ModuleError } from '../errors.js';
import type { Logger } from '../report/logger.js';

/** What went wrong with one try of a request, for a retry policy to judge. */
export interface RetryFailure {
  /** 1 for the first try that failed, 2 for the second, ... */
  attempt: number;
  method: string;
  /** The URL without its query (upload URLs carry opaque state there). */
  url: string;
  /** The HTTP status (429 or 5xx), when the registry answered. */
  status?: number;
  /** The network error code (ECONNRESET, EPIPE, ...), when it did not. */
  networkCode?: string;
  /** What the registry asked for through Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

/** Decides whether to try again: the delay in milliseconds, or undefined to give up. */
export type RetryPolicy = (failure: RetryFailure) => number | undefined;

/** Options of the default retry policy. */
export interface RetryOptions {
  /** How many times to try again after the first failure (default 3). */
  retries?: number;
  /** The first delay; each next one doubles (default 500 ms). */
  baseDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the request fails (default 30 s). */
  maxDelayMs?: number;
}

/** Bounded exponential backoff with a little jitter that honours a small Retry-After. */
export function defaultRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const retries = options.retries ?? 3;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  return (failure) => {
    if (failure.attempt > retries) return undefined;
    if (failure.retryAfterMs !== undefined) return failure.retryAfterMs <= max ? failure.retryAfterMs : undefined;
    const delay = base * 2 ** (failure.attempt - 1);
    return Math.min(max, Math.round(delay * (0.8 + Math.random() * 0.4)));
  };
}

/** A policy that never retries. */
export const noRetry: RetryPolicy = () => undefined;

/** How requests reach a registry: the fetch to use, the retry policy, and where retries are told. */
export interface Transport {
  fetch: typeof fetch;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
}

/** One HTTP request; `replayable` says whether its body can be sent again (a stream cannot). */
export type SendInit = RequestInit & { replayable: boolean };

const RETRY_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** The URL with neither query nor fragment, fit for messages and logs. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * Sends a request, retrying 408/429/5xx answers and reset connections as the policy allows (only
 * when the body can be replayed), and turning "could not connect" into ModuleError
 * 'registry-unreachable'. Any other status is returned for the caller to judge.
 */
export async function send(transport: Transport, url: string, init: SendInit): Promise<Response> {
  const method = init.method ?? 'GET';
  const { replayable, ...requestInit } = init;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await transport.fetch(url, requestInit);
    } catch (error) {
      const code = networkCode(error);
      if (code === undefined) throw error;
      const delay = replayable && RETRY_NETWORK.has(code) ? transport.retry({ attempt, method, url: displayUrl(url), networkCode: code }) : undefined;
      if (delay === undefined) throw unreachable(url, code, error);
      tell(transport, `${code} on ${method} ${displayUrl(url)}`, attempt, delay);
      await transport.sleep(delay);
      continue;
    }
    if (!replayable || !RETRY_STATUS.has(response.status)) return response;
    const retryAfterMs = parseRetryAfter(response.headers);
    const delay = transport.retry({ attempt, method, url: displayUrl(url), status: response.status, retryAfterMs });
    if (delay === undefined) return response;
    await response.body?.cancel().catch(() => {});
    tell(transport, `HTTP ${response.status} on ${method} ${displayUrl(url)}`, attempt, delay);
    await transport.sleep(delay);
  }
}

function tell(transport: Transport, what: string, attempt: number, delay: number): void {
  transport.logger.warn(`registry: ${what}; trying again (retry ${attempt}) in ${(delay / 1000).toFixed(1)} s`);
}

/** Retry-After (seconds or an HTTP date) or Docker Hub's X-Retry-After (unix time), in ms. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (value !== null) {
    if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const unix = headers.get('x-retry-after');
  if (unix !== null && /^\d+$/.test(unix.trim())) return Math.max(0, Number(unix.trim()) * 1000 - now);
  return undefined;
}

/** The error code of a failed connection (fetch wraps it in `cause`, sometimes in an AggregateError). */
export function networkCode(error: unknown): string | undefined {
  const code = findCode(error, new Set());
  // fetch reports every transport failure as TypeError('fetch failed') with the reason as cause.
  if (error instanceof TypeError && error.message === 'fetch failed') return code ?? 'FETCH_FAILED';
  return code !== undefined && /^E[A-Z]+$/.test(code) ? code : undefined;
}

function findCode(value: unknown, seen: Set<unknown>): string | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  const record = value as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string') return record.code;
  for (const inner of Array.isArray(record.errors) ? record.errors : []) {
    const code = findCode(inner, seen);
    if (code) return code;
  }
  return findCode(record.cause, seen);
}

function unreachable(url: string, code: string, error: unknown): ModuleError {
  const where = displayUrl(url);
  const host = new URL(url).host;
  let check: string;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    check = `Check the host name "${new URL(url).hostname}" and this machine's DNS and network.`;
  } else if (/SSL|CERT|UNABLE_TO/.test(code)) {
    check = `Check that ${host} speaks https with a certificate this machine trusts; a plain-http registry needs its http:// URL given explicitly.`;
  } else {
    check = `Check that the registry is running and listening on ${host}, and that no firewall or proxy is in the way.`;
  }
  // Keep only the code and message of the cause: the original may carry the request it failed on.
  const cause = error instanceof Error ? Object.assign(new Error(error.message), { code }) : undefined;
  return new ModuleError('registry-unreachable', `registry at ${where} is unreachable (${code})`, {
    kind: 'environment',
    hint: check,
    cause,
  });
}
