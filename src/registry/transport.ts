import { ModuleError } from '../errors.js';
import type { Logger } from '../logger.js';
import { markTransient } from './transient.js';

/** What went wrong with one try of a request, for a retry policy to judge. */
export interface RetryFailure {
  /** 1 for the first try that failed, 2 for the second, ... */
  attempt: number;
  method: string;
  /** The URL without its query (upload URLs carry opaque state there). */
  url: string;
  /** The HTTP status (408, 429 or 5xx), when the registry answered. */
  status?: number;
  /** The network error code (ECONNRESET, EPIPE, ...), when it did not. */
  networkCode?: string;
  /** What the registry asked for through Retry-After or X-Retry-After, in milliseconds. */
  retryAfterMs?: number;
  /** Milliseconds since the first try of this request (absent: unknown, counted as 0). */
  elapsedMs?: number;
}

/** Decides whether to try again: the delay in milliseconds, or undefined to give up. */
export type RetryPolicy = (failure: RetryFailure) => number | undefined;

/** Options of the default retry policy. */
export interface RetryOptions {
  /** How many times to try again after the first failure (default 4). */
  retries?: number;
  /** The first delay; each next one doubles (default 500 ms). */
  baseDelayMs?: number;
  /** No single wait is longer; a Retry-After asking for more is not waited for: the request fails (default 30 s). */
  maxDelayMs?: number;
  /** No retry starts once this much time has passed since the first try, waits included (default 90 s). */
  maxElapsedMs?: number;
}

/**
 * Bounded exponential backoff with jitter (each delay drawn from the upper half of base * 2^n, so
 * that clients failing together do not retry together) that honours a Retry-After within bounds.
 */
export function defaultRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const retries = options.retries ?? 4;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const budget = options.maxElapsedMs ?? 90_000;
  return (failure) => {
    if (failure.attempt > retries) return undefined;
    let delay: number;
    if (failure.retryAfterMs !== undefined) {
      if (failure.retryAfterMs > max) return undefined;
      delay = failure.retryAfterMs;
    } else {
      const ceiling = Math.min(max, base * 2 ** (failure.attempt - 1));
      delay = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    }
    return (failure.elapsedMs ?? 0) + delay > budget ? undefined : delay;
  };
}

/** A policy that never retries. */
export const noRetry: RetryPolicy = () => undefined;

/** How requests reach a registry: the fetch to use, the retry policy, and where retries are told. */
export interface Transport {
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Waits between retries; resolves early (the caller then sees the signal aborted) on an abort. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger: Logger;
  /** SIGINT/SIGTERM or a deadline: requests stop (except those marked atomic) and waits end. */
  signal?: AbortSignal | undefined;
  /** Counts every retry made (tests and reports read it). */
  retries?: { count: number };
}

/** One HTTP request; `replayable` says whether its body can be sent again (a stream cannot). */
export type SendInit = RequestInit & {
  replayable: boolean;
  /**
   * Read a 2xx body (at most this many bytes) before returning, so that a connection lost while
   * the body arrives is retried like one lost before the answer.
   */
  buffer?: number;
  /** Not cut by the abort signal once sent: a manifest PUT either lands or not, never unknown. */
  atomic?: boolean;
};

const RETRY_NETWORK = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TERMINATED',
]);
/** The statuses worth another try: timeout, rate limit and the server-side failures. */
export const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** The URL with neither query nor fragment, fit for messages and logs. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** Whether a network error code is worth another try (a reset, not a refused connection). */
export function isRetryableNetworkCode(code: string): boolean {
  return RETRY_NETWORK.has(code);
}

/**
 * Sends a request, retrying 408/429/5xx answers and reset connections as the policy allows (only
 * when the body can be replayed), and turning "could not connect" into ModuleError
 * 'registry-unreachable' and an abort into ModuleError 'interrupted'. Any other status is
 * returned for the caller to judge.
 */
export async function send(transport: Transport, url: string, init: SendInit): Promise<Response> {
  const method = init.method ?? 'GET';
  const { replayable, buffer, atomic, ...requestInit } = init;
  const signal = atomic ? undefined : transport.signal;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw interrupted(signal, `${method} ${displayUrl(url)}`);
    let response: Response;
    try {
      response = await transport.fetch(url, signal ? { ...requestInit, signal } : requestInit);
      if (buffer !== undefined && response.ok && method !== 'HEAD') response = await buffered(response, buffer, url);
    } catch (error) {
      if (signal?.aborted) throw interrupted(signal, `${method} ${displayUrl(url)}`);
      const code = networkCode(error);
      if (code === undefined) throw error;
      const failure = { attempt, method, url: displayUrl(url), networkCode: code, elapsedMs: Date.now() - started };
      const delay = replayable && RETRY_NETWORK.has(code) ? transport.retry(failure) : undefined;
      if (delay === undefined) throw unreachable(url, code, error);
      await pause(transport, `${code} on ${method} ${displayUrl(url)}`, attempt, delay);
      continue;
    }
    if (!replayable || !RETRY_STATUS.has(response.status)) return response;
    const retryAfterMs = parseRetryAfter(response.headers);
    const delay = transport.retry({
      attempt,
      method,
      url: displayUrl(url),
      status: response.status,
      retryAfterMs,
      elapsedMs: Date.now() - started,
    });
    if (delay === undefined) return response;
    await response.body?.cancel().catch(() => {});
    await pause(transport, `HTTP ${response.status} on ${method} ${displayUrl(url)}`, attempt, delay);
  }
}

/** Tells one retry (once), counts it and waits for it; an abort during the wait ends it early. */
export async function pause(transport: Transport, what: string, attempt: number, delay: number): Promise<void> {
  transport.logger.warn(`registry: ${what}; trying again (retry ${attempt}) in ${(delay / 1000).toFixed(1)} s`);
  if (transport.retries) transport.retries.count++;
  await transport.sleep(delay, transport.signal);
}

/** A timer that ends early when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function buffered(response: Response, limit: number, url: string): Promise<Response> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new ModuleError(
      'registry-bad-response',
      `${displayUrl(url)} answered ${declared} bytes, more than the ${limit} expected`,
      { kind: 'environment' },
    );
  }
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength > limit) {
    throw new ModuleError(
      'registry-bad-response',
      `${displayUrl(url)} answered more than the ${limit} bytes expected`,
      { kind: 'environment' },
    );
  }
  return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
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

/**
 * The error code of a failed connection (fetch wraps it in `cause`, sometimes in an
 * AggregateError): ECONNRESET, UND_ERR_SOCKET, ...; FETCH_FAILED or TERMINATED when fetch names
 * none (could not send; the answer stopped half-way). Undefined for anything that is not the network.
 */
export function networkCode(error: unknown): string | undefined {
  const code = findCode(error, new Set());
  // fetch reports every transport failure as TypeError('fetch failed') with the reason as cause,
  // and a body cut off half-way as TypeError('terminated').
  if (error instanceof TypeError && error.message === 'fetch failed') return code ?? 'FETCH_FAILED';
  if (error instanceof TypeError && error.message === 'terminated')
    return code && RETRY_NETWORK.has(code) ? code : 'TERMINATED';
  return code !== undefined && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code) ? code : undefined;
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

/** ModuleError 'interrupted' for work stopped by `signal`: a deadline says "timed out". */
export function interrupted(signal: AbortSignal, during: string): ModuleError {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  const why = timedOut ? 'timed out' : typeof reason === 'string' ? `interrupted (${reason})` : 'interrupted';
  return new ModuleError('interrupted', `${why} during ${during}`, { kind: 'environment' });
}

function unreachable(url: string, code: string, error: unknown): ModuleError {
  const where = displayUrl(url);
  const host = new URL(url).host;
  let check: string;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    check = `Check the host name "${new URL(url).hostname}" and this machine's DNS and network.`;
  } else if (/SSL|CERT|UNABLE_TO/.test(code)) {
    check = `Check that ${host} speaks https with a certificate this machine trusts; a plain-http registry needs its http:// URL given explicitly.`;
  } else if (RETRY_NETWORK.has(code)) {
    check = `The connection to ${host} kept breaking; check the network and any proxy in between, then run the same command again.`;
  } else {
    check = `Check that the registry is running and listening on ${host}, and that no firewall or proxy is in the way.`;
  }
  // Keep only the code and message of the cause: the original may carry the request it failed on.
  const cause = error instanceof Error ? Object.assign(new Error(error.message), { code }) : undefined;
  const what = RETRY_NETWORK.has(code) ? 'lost the connection' : 'is unreachable';
  const failure = new ModuleError('registry-unreachable', `registry at ${where} ${what} (${code})`, {
    kind: 'environment',
    hint: check,
    cause,
  });
  return RETRY_NETWORK.has(code) ? markTransient(failure, { networkCode: code }) : failure;
}
