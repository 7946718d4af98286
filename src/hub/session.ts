import { ModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { isLoopbackRegistry } from '../registry/reference.js';
import { displayUrl } from '../retry/index.js';
import {
  hubForbidden,
  hubLoginRefused,
  hubRejected,
  hubServerError,
  hubUnauthorized,
  readHubMessage,
} from './failures.js';
import { type HubTransport } from './http.js';
import { sendKeepingMethod } from './redirects.js';

/** Docker Hub's web API. */
export const DOCKER_HUB_API = 'https://hub.docker.com';

/** One request to Hub's API, as the client methods describe it. */
export interface HubCall {
  method: 'GET' | 'POST' | 'PATCH';
  /** A path under the base URL: `/v2/...`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** What the request does, for messages: `create repository acme/blur`. */
  what: string;
  /** The namespace the request acts in, for 403 messages. */
  namespace: string;
  /** What the token and the account must allow, to explain a 403: pushing-level write, or admin (settings). */
  needs?: 'write' | 'admin';
  /** The statuses that mean success. */
  expect: number[];
  /** What a 404 means here; without it a 404 is returned for the caller to read as "not there". */
  notFound?: () => ModuleError;
}

/**
 * A login to Hub and the door every API request passes: it adds the bearer token (logging in
 * first when credentials were given), logs in again once when Hub answers 401 (tokens last 10
 * minutes), and turns unexpected answers into ModuleErrors. The secret stays in a private field
 * and is scrubbed from anything Hub sends back.
 */
export class HubSession {
  /** The API base URL, without trailing slash. */
  readonly baseUrl: string;
  /** The user (or organisation, for an organisation access token), when credentials were given. */
  readonly username: string | undefined;
  readonly #secret: string | undefined;
  #token: string | undefined;
  readonly #transport: HubTransport;

  constructor(url: string | undefined, credentials: Credentials | undefined, transport: HubTransport) {
    this.baseUrl = checkedBaseUrl(url ?? DOCKER_HUB_API, credentials !== undefined);
    this.username = credentials?.username;
    this.#secret = credentials?.password;
    this.#transport = transport;
  }

  /** Exchanges the credentials for an access token (POST /v2/auth/token); 'hub-auth' when refused. */
  async login(): Promise<void> {
    if (this.username === undefined || this.#secret === undefined) throw hubUnauthorized('log in', undefined);
    const url = `${this.baseUrl}/v2/auth/token`;
    const what = `the login of user ${this.username}`;
    const response = await sendKeepingMethod(
      this.#transport,
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ identifier: this.username, secret: this.#secret }),
      },
      what,
    );
    this.#transport.logger.debug(`hub: POST ${displayUrl(url)} -> ${response.status}`);
    if (response.status === 401 || response.status === 403)
      throw hubLoginRefused(this.username, await this.#said(response));
    if (response.status !== 200) throw await this.#unexpected(response, what);
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ModuleError(
        'hub-auth',
        `Docker Hub answered the login of user ${this.username} without an access token`,
        {
          kind: 'environment',
          hint: `Check that ${this.baseUrl} is Docker Hub's API.`,
        },
      );
    }
    this.#token = body.access_token;
  }

  /** Sends one API request and returns the answer when its status is expected (or a 404 without `notFound`). */
  async call(call: HubCall): Promise<Response> {
    const fresh = this.#token === undefined && this.#secret !== undefined;
    if (fresh) await this.login();
    let response = await this.#send(call);
    if (response.status === 401 && this.#secret !== undefined && !fresh) {
      // The token may have expired (Hub's last 10 minutes): log in again once.
      await response.body?.cancel().catch(() => {});
      await this.login();
      response = await this.#send(call);
    }
    if (call.expect.includes(response.status)) return response;
    if (response.status === 404) {
      if (!call.notFound) return response;
      await response.body?.cancel().catch(() => {});
      throw call.notFound();
    }
    if (response.status === 401) {
      await response.body?.cancel().catch(() => {});
      throw hubUnauthorized(call.what, this.username);
    }
    if (response.status === 403) throw hubForbidden(call, this.username, await this.#said(response));
    throw await this.#unexpected(response, call.what);
  }

  /** Replaces the secret and the access token in text Hub sent back. */
  redact(text: string): string {
    let scrubbed = text;
    for (const secret of [this.#secret, this.#token]) if (secret) scrubbed = scrubbed.split(secret).join('***');
    return scrubbed;
  }

  async #send(call: HubCall): Promise<Response> {
    const url = `${this.baseUrl}${call.path}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.#token !== undefined) headers.Authorization = `Bearer ${this.#token}`;
    const init: RequestInit = { method: call.method, headers };
    if (call.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(call.body);
    }
    const response = await sendKeepingMethod(this.#transport, url, init, call.what);
    this.#transport.logger.debug(`hub: ${call.method} ${displayUrl(url)} -> ${response.status}`);
    return response;
  }

  #said(response: Response): Promise<string> {
    return readHubMessage(response, (text) => this.redact(text));
  }

  async #unexpected(response: Response, what: string): Promise<ModuleError> {
    const said = await this.#said(response);
    return response.status >= 500
      ? hubServerError(response.status, what, said)
      : hubRejected(response.status, what, said);
  }
}

// Credentials go over https only, or to this machine (the test stand-in).
function checkedBaseUrl(url: string, withCredentials: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ModuleError('hub-bad-url', `the Docker Hub API URL "${url}" is not a URL`, { kind: 'usage' });
  }
  const plain = parsed.protocol === 'http:';
  if ((!plain && parsed.protocol !== 'https:') || parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ModuleError('hub-bad-url', `the Docker Hub API URL "${displayUrl(url)}" must be a plain http(s) URL`, {
      kind: 'usage',
    });
  }
  if (plain && withCredentials && !isLoopbackRegistry(parsed.host)) {
    throw new ModuleError(
      'hub-bad-url',
      `credentials are only sent to Docker Hub over https, not to ${displayUrl(url)}`,
      {
        kind: 'usage',
        hint: 'Use an https:// URL for the Docker Hub API.',
      },
    );
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
