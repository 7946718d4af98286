// The one set of network failures worth another try, for every peer (registries, Docker Hub).

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
export const RETRY_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Whether a network error code is worth another try (a reset, not a refused connection). */
export function isRetryableNetworkCode(code: string): boolean {
  return RETRY_NETWORK.has(code);
}

/** The URL with neither query nor fragment, fit for messages and logs. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
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
