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
 * How long an answer asks to wait before the next try, in ms: Retry-After or X-Retry-After; for a
 * 429 that names neither, until X-RateLimit-Reset (a unix time) when it names that.
 */
export function answerWaitMs(status: number, headers: Headers, now: number): number | undefined {
  const wait = parseRetryAfter(headers, now);
  if (wait !== undefined || status !== 429) return wait;
  const reset = headers.get('x-ratelimit-reset')?.trim();
  return reset !== undefined && /^\d+$/.test(reset) ? Math.max(0, Number(reset) * 1000 - now) : undefined;
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
