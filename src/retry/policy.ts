/** What went wrong with one try of a request or an operation, for a retry policy to judge. */
export interface RetryFailure {
  /** 1 for the first try that failed, 2 for the second, ... */
  attempt: number;
  method: string;
  /** The URL without its query (upload URLs carry opaque state there). */
  url: string;
  /** The HTTP status (408, 429 or 5xx), when the peer answered. */
  status?: number;
  /** The network error code (ECONNRESET, EPIPE, ...), when it did not. */
  networkCode?: string;
  /** What the peer asked for through Retry-After or X-Retry-After, in milliseconds. */
  retryAfterMs?: number;
  /** Milliseconds since the first try (absent: unknown, counted as 0). */
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
  /**
   * The source of the jitter, numbers in [0, 1) (default Math.random): a seeded one makes the
   * delays, and so a seeded test's interleavings, the same on every run.
   */
  random?: () => number;
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
  const random = options.random ?? Math.random;
  return (failure) => {
    if (failure.attempt > retries) return undefined;
    let delay: number;
    if (failure.retryAfterMs !== undefined) {
      if (failure.retryAfterMs > max) return undefined;
      delay = failure.retryAfterMs;
    } else {
      const ceiling = Math.min(max, base * 2 ** (failure.attempt - 1));
      delay = Math.round(ceiling * (0.5 + random() * 0.5));
    }
    return (failure.elapsedMs ?? 0) + delay > budget ? undefined : delay;
  };
}

/** A policy that never retries. */
export const noRetry: RetryPolicy = () => undefined;
