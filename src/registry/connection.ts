import { ModuleError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { RegistryAuth, type Credentials } from './auth.js';
import { registryBaseUrl } from './reference.js';
import { registryError } from './response-error.js';
import { markTransient, transientFailure } from './transient.js';
import {
  abortableSleep,
  defaultRetryPolicy,
  displayUrl,
  interrupted,
  retrying,
  type RetryPolicy,
} from '../retry/index.js';
import { httpFetch } from './http-fetch.js';
import { send, type SendInit, type Transport } from './transport.js';

/** How to reach one registry. */
export interface RegistryOptions {
  /** Registry host with optional port, as written in image references: `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** A login; without one, requests are anonymous. */
  credentials?: Credentials;
  /** The API base URL, when not the one `registryBaseUrl` derives (plain http on a LAN, a proxy). */
  url?: string;
  /** Where retries and requests are told (retries as warnings, requests as debug lines). */
  logger?: Logger;
  /** Decides retries of 408/429/5xx and reset connections; defaults to `defaultRetryPolicy()`. */
  retry?: RetryPolicy;
  /** The fetch to use (tests wrap it to inject failures); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** How to wait between retries; defaults to a timer that an abort ends early. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops every request but manifest PUTs (which land or not, never half) and every wait. */
  signal?: AbortSignal | undefined;
  /** The clock for token expiry; defaults to Date.now. */
  now?: () => number;
}

/** One request as the client methods describe it. */
export interface RegistryCall {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the base URL (`/v2/...`) or an absolute URL (an upload location). */
  url: string;
  /** Token scopes the request needs (`repository:acme/blur:pull`). */
  scopes: string[];
  /** What the request does, for messages: `GET manifest acme/blur:1.0`. */
  what: string;
  headers?: Record<string, string>;
  /** A Buffer can be sent again after a 401 or a retryable failure; a stream cannot. */
  body?: Buffer | AsyncIterable<Uint8Array>;
  /** The statuses that mean success. */
  expect: number[];
  /** Return a 404 answer instead of throwing (the caller reads it as "not there"). */
  allowMissing?: boolean;
  /** Read a 2xx body of at most this many bytes inside the retries (a cut-off body is tried again). */
  buffer?: number;
  /** Not cut by the abort signal once sent (manifest PUTs: a tag moves or not, never "maybe"). */
  atomic?: boolean;
  /** Blob bytes (a GET read as a stream): sent through node:http, as every streamed body is. */
  bulk?: boolean;
}

const USER_AGENT = 'mercure-module-kit';

/**
 * The door to one registry: every request passes here to get authorization, retries and
 * error mapping. A 401 is answered once (challenge, token, retry); any status outside `expect`
 * becomes a ModuleError carrying the registry's own error codes.
 */
export class RegistryConnection {
  /** Registry host, as in image references. */
  readonly registry: string;
  /** The API base URL, without trailing slash. */
  readonly baseUrl: string;
  /** Challenge answering and token cache for this registry. */
  readonly auth: RegistryAuth;
  /** Where requests (debug) and retries (warn) are told. */
  readonly logger: Logger;
  readonly #transport: Transport;
  /** The same peer for blob bytes: node:http unless the caller gave a fetch (see http-fetch.ts). */
  readonly #bulk: Transport;

  constructor(options: RegistryOptions) {
    this.registry = options.registry;
    this.baseUrl = registryBaseUrl(options.registry, options.url);
    this.logger = options.logger ?? silentLogger;
    this.#transport = {
      fetch: options.fetch ?? globalThis.fetch,
      retry: options.retry ?? defaultRetryPolicy(),
      sleep: options.sleep ?? abortableSleep,
      logger: this.logger,
      signal: options.signal,
      retries: { count: 0 },
    };
    this.#bulk = options.fetch
      ? { ...this.#transport, fetch: options.fetch }
      : { ...this.#transport, fetch: httpFetch, boundsSilence: true };
    this.auth = new RegistryAuth(options.registry, options.credentials, this.#transport, options.now);
  }

  /** Resolves a path or a registry-given location against the base URL. */
  resolve(url: string): string {
    return new URL(url, `${this.baseUrl}/`).href;
  }

  /** How many retries requests through this connection have made so far. */
  get retries(): number {
    return this.#transport.retries?.count ?? 0;
  }

  /**
   * Runs a whole operation (an upload started over from a new POST) again after a transient
   * failure, as the retry policy says, at most `maxAttempts` times in all; a refused token is
   * tried again at once (it is dropped already). Any other failure is thrown as it is.
   */
  retryOperation<T>(
    what: string,
    maxAttempts: number,
    run: () => Promise<T>,
    stopped?: (signal: AbortSignal) => Error,
  ): Promise<T> {
    return retrying(
      this.#transport,
      {
        method: what,
        url: this.baseUrl,
        what,
        maxAttempts,
        ...(stopped ? { interrupted: stopped } : {}),
        tell: (message) => this.logger.warn(`registry: ${message}`),
        judge: (error) => {
          const failure = transientFailure(error);
          if (!failure) return undefined;
          const why = failure.tokenExpired
            ? 'token refused (expired)'
            : failure.status
              ? `HTTP ${failure.status}`
              : (failure.networkCode ?? 'failure');
          return {
            why: `${why} during ${what}; starting it over`,
            ...(failure.tokenExpired ? { immediate: true } : {}),
            ...(failure.status !== undefined ? { status: failure.status } : {}),
            ...(failure.networkCode !== undefined ? { networkCode: failure.networkCode } : {}),
            ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
          };
        },
      },
      run,
    );
  }

  /** Sends one request (authenticating on a 401) and returns the answer when its status is expected. */
  async call(call: RegistryCall): Promise<Response> {
    const url = this.resolve(call.url);
    const replayable = call.body === undefined || Buffer.isBuffer(call.body);
    const attempt = (authorization: string | undefined) => {
      const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...call.headers };
      if (authorization) headers.Authorization = authorization;
      const init: SendInit = { method: call.method, headers, replayable };
      if (call.buffer !== undefined) init.buffer = call.buffer;
      if (call.atomic) init.atomic = true;
      if (call.body !== undefined) init.body = call.body;
      if (!replayable) {
        init.duplex = 'half';
        // fetch clones a request it may have to redirect, and cloning tees a stream body: the
        // unread branch would keep every byte sent in memory. Upload locations do not redirect.
        init.redirect = 'error';
      }
      return send(call.bulk || !replayable ? this.#bulk : this.#transport, url, init);
    };

    if (this.#transport.signal?.aborted && !call.atomic) throw interrupted(this.#transport.signal, call.what);
    let authorization = await this.auth.authorization(call.scopes);
    let response = await attempt(authorization);
    if (response.status === 401) {
      if (!replayable) {
        await response.body?.cancel().catch(() => {});
        // A token that ran out during a long upload: drop it; the caller starts the upload over.
        if (authorization?.startsWith('Bearer ')) throw this.#tokenExpired(call);
        throw this.auth.refused(call.what);
      }
      // A cached token the registry no longer takes (expired mid-operation): challenged() drops
      // it, a new one is fetched, and the request is sent once more.
      const scopes = await this.auth.challenged(response, call.scopes, authorization !== undefined);
      authorization = await this.auth.authorization(scopes);
      response = await attempt(authorization);
      if (response.status === 401) {
        await response.body?.cancel().catch(() => {});
        throw this.auth.refused(call.what);
      }
    }
    this.logger.debug(`registry: ${call.method} ${displayUrl(url)} -> ${response.status}`);
    if (call.expect.includes(response.status) || (call.allowMissing && response.status === 404)) return response;
    throw await registryError(response, {
      registry: this.registry,
      what: call.what,
      redact: (t) => this.auth.redact(t),
    });
  }

  #tokenExpired(call: RegistryCall): ModuleError {
    this.auth.forget(call.scopes);
    const error = new ModuleError(
      'registry-token-expired',
      `registry ${this.registry} refused the token during ${call.what} (it expired on the way)`,
      {
        kind: 'environment',
        hint: 'Run the same command again: a new token is fetched, and what was uploaded already is skipped.',
      },
    );
    return markTransient(error, { status: 401, tokenExpired: true });
  }
}
