/** Docker Hub's X-RateLimit-* headers of one answer (requests per minute). */
export interface HubRateLimit {
  /** Requests allowed in the current period (X-RateLimit-Limit). */
  limit?: number;
  /** Requests left in the current period (X-RateLimit-Remaining). */
  remaining?: number;
  /** When the period resets, in ms since the epoch (X-RateLimit-Reset is a unix time). */
  resetAt?: number;
}

function integer(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)?.trim();
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Reads X-RateLimit-Limit/Remaining/Reset; undefined when the answer carries none of them. */
export function readRateLimit(headers: Headers): HubRateLimit | undefined {
  const limit = integer(headers, 'x-ratelimit-limit');
  const remaining = integer(headers, 'x-ratelimit-remaining');
  const reset = integer(headers, 'x-ratelimit-reset');
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  const read: HubRateLimit = {};
  if (limit !== undefined) read.limit = limit;
  if (remaining !== undefined) read.remaining = remaining;
  if (reset !== undefined) read.resetAt = reset * 1000;
  return read;
}
