import { ModuleError, type ErrorKind } from '../errors.js';
import { markTransient } from './transient.js';
import { RETRY_STATUS, parseRetryAfter } from '../retry/index.js';

/** One entry of a registry's JSON error body (`{"errors":[{"code","message","detail"}]}`). */
export interface RegistryErrorEntry {
  code: string;
  message: string;
}

const BODY_LIMIT = 16 * 1024;

/** Reads a registry's error body (at most 16 KiB) into its entries; empty when it has none. */
export async function readErrorEntries(response: Response): Promise<RegistryErrorEntry[]> {
  let text: string;
  try {
    text = (await response.text()).slice(0, BODY_LIMIT);
  } catch {
    return [];
  }
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(body.errors)) return [];
    return body.errors.flatMap((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { code, message } = entry as { code?: unknown; message?: unknown };
      return [
        { code: typeof code === 'string' ? code : 'UNKNOWN', message: typeof message === 'string' ? message : '' },
      ];
    });
  } catch {
    return [];
  }
}

/** Where a failed request was going, for the message: `GET manifest acme/blur:1.0`. */
export interface FailedRequest {
  registry: string;
  what: string;
  /** Scrubs secrets out of text the registry sent back, in case it echoes them. */
  redact?: (text: string) => string;
}

/**
 * Turns a registry's non-success answer into a ModuleError whose message carries the status and
 * the registry's own error codes (MANIFEST_UNKNOWN, DENIED, ...). Consumes the response body.
 */
export async function registryError(response: Response, request: FailedRequest): Promise<ModuleError> {
  const entries = await readErrorEntries(response);
  const redact = request.redact ?? ((text: string) => text);
  const said = entries.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ');
  const message = redact(
    `registry ${request.registry} answered HTTP ${response.status} to ${request.what}${said ? ` (${said})` : ''}`,
  );
  const { code, kind, hint } = classify(response.status, request.registry);
  const error = new ModuleError(code, message, { kind, hint });
  if (!RETRY_STATUS.has(response.status)) return error;
  const retryAfterMs = parseRetryAfter(response.headers);
  return markTransient(error, { status: response.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

function classify(status: number, registry: string): { code: string; kind: ErrorKind; hint: string } {
  if (status === 404) {
    return { code: 'registry-not-found', kind: 'usage', hint: 'Check the repository name and the tag or digest.' };
  }
  if (status === 401 || status === 403) {
    return {
      code: 'registry-denied',
      kind: 'environment',
      hint: `Check that the account may read and push this repository on ${registry}.`,
    };
  }
  if (status === 429) {
    return {
      code: 'registry-rate-limited',
      kind: 'environment',
      hint: 'The registry limits requests: wait and try again, or log in (Docker Hub allows more pulls to accounts).',
    };
  }
  if (status >= 500 || status === 408) {
    return {
      code: 'registry-server-error',
      kind: 'environment',
      hint: `${registry} failed on its side; try again later and check its status page or logs.`,
    };
  }
  return {
    code: 'registry-rejected',
    kind: 'environment',
    hint: 'The registry refused the request as sent; the code in the message says why.',
  };
}
