import { ModuleError } from '../errors.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { DOCKER_HUB, isLoopbackRegistry } from './reference.js';
import { registryError } from './response-error.js';
import { send, type Transport } from './transport.js';
import { displayUrl } from '../retry/index.js';

/** A registry login. Held in memory only; the password never enters a message, log or error. */
export interface Credentials {
  username: string;
  /** A password or an access token; with `identityToken`, an OAuth refresh token. */
  password: string;
  /**
   * The Docker config's `identitytoken`: a refresh token, exchanged at the registry's token
   * service (the token spec's OAuth POST), never sent as a Basic login.
   */
  identityToken?: boolean;
  /** Where the login came from, for the log (`from --username`, `from the Docker config`); never the secret. */
  origin?: string;
}

/** Docker Hub's token service, known up front so the first request needs no 401 round trip. */
export const DOCKER_HUB_CHALLENGE: Challenge = {
  scheme: 'bearer',
  params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' },
};

/** A token lifetime when the token service names none (the token spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
/** A token answer larger than this is not a token answer. */
const TOKEN_LIMIT = 1024 * 1024;
/** Renew this long before a token expires, so a request never carries one that just ran out. */
const RENEW_MARGIN_MS = 10_000;

/** The scope strings a request on `repository` needs, as the token spec writes them. */
export function repositoryScope(repository: string, actions: 'pull' | 'pull,push' | 'delete'): string {
  return `repository:${repository}:${actions}`;
}

/**
 * One scope per resource with the union of its actions, pull and push first: a registry may
 * announce `push,pull` where we asked `pull,push` (distribution's order varies), and the token
 * for the two is one token, cached under one key.
 */
export function mergeScopes(scopes: readonly string[]): string[] {
  const actions = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const colon = scope.lastIndexOf(':');
    if (colon <= scope.indexOf(':')) {
      actions.set(scope, actions.get(scope) ?? new Set());
      continue;
    }
    const resource = scope.slice(0, colon);
    const set = actions.get(resource) ?? new Set<string>();
    for (const action of scope.slice(colon + 1).split(',')) if (action) set.add(action);
    actions.set(resource, set);
  }
  const rank = (a: string) => (a === 'pull' ? 0 : a === 'push' ? 1 : 2);
  return [...actions].map(([resource, set]) => {
    if (set.size === 0) return resource;
    return `${resource}:${[...set].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).join(',')}`;
  });
}

/**
 * Answers a registry's `WWW-Authenticate` challenges for one registry: HTTP Basic, or Bearer
 * tokens fetched from the challenge's realm (with Basic credentials when we have them, anonymous
 * otherwise) and cached per scope set until shortly before they expire.
 */
export class RegistryAuth {
  /** Registry host, for messages. */
  readonly registry: string;
  /** The user, when credentials were given (safe to show). */
  readonly username: string | undefined;
  #password: string | undefined;
  readonly #identityToken: boolean;
  #challenge: Challenge | undefined;
  readonly #tokens = new Map<string, { token: string; expiresAt: number }>();
  readonly #transport: Transport;
  readonly #now: () => number;

  constructor(
    registry: string,
    credentials: Credentials | undefined,
    transport: Transport,
    now: () => number = Date.now,
  ) {
    this.registry = registry;
    this.username = credentials?.username;
    this.#password = credentials?.password;
    this.#identityToken = credentials?.identityToken === true;
    this.#transport = transport;
    this.#now = now;
    if (registry === DOCKER_HUB) this.#challenge = DOCKER_HUB_CHALLENGE;
  }

  /** The Authorization header for a request needing `scopes`, once the registry's challenge is known. */
  async authorization(scopes: string[]): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return this.#basic();
    return `Bearer ${await this.#token(challenge, scopes)}`;
  }

  /**
   * Learns from a 401 how to authenticate and returns the scopes to retry with (ours plus the
   * challenge's). Throws ModuleError 'registry-auth' when no retry can succeed. Consumes the body.
   */
  async challenged(response: Response, scopes: string[], sentAuthorization: boolean): Promise<string[]> {
    await response.body?.cancel().catch(() => {});
    const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      const extra = (bearer.params.scope ?? '').split(' ').filter(Boolean);
      const all = mergeScopes([...scopes, ...extra]);
      // A cached token the registry refused is no use: fetch a fresh one for the retry.
      if (sentAuthorization && this.#challenge) this.#tokens.delete(this.#tokenKey(this.#challenge, scopes));
      this.#tokens.delete(this.#tokenKey(bearer, all));
      this.#challenge = bearer;
      return all;
    }
    if (basic) {
      if (this.#password === undefined) throw this.loginRequired();
      if (this.#identityToken) {
        throw new ModuleError(
          'registry-auth',
          `registry ${this.registry} wants a username and password, and the login for it is an identity token`,
          {
            kind: 'environment',
            hint: `Log in again with a password (\`docker login ${this.registry}\`), or give the login as an option.`,
          },
        );
      }
      if (sentAuthorization && this.#challenge?.scheme === 'basic') throw this.refusedCredentials();
      this.#challenge = basic;
      return scopes;
    }
    throw new ModuleError(
      'registry-auth',
      `registry ${this.registry} answered 401 without a usable WWW-Authenticate challenge`,
      {
        kind: 'environment',
        hint: 'The registry wants an authentication scheme this tool does not speak (only Basic and Bearer tokens).',
      },
    );
  }

  /** Drops the cached token for `scopes` (the registry refused it): the next request fetches a new one. */
  forget(scopes: string[]): void {
    if (this.#challenge?.scheme === 'bearer') this.#tokens.delete(this.#tokenKey(this.#challenge, scopes));
  }

  /** The error for a request still refused after authenticating as well as we can. */
  refused(what: string): ModuleError {
    if (this.#password === undefined) return this.loginRequired();
    if (this.#challenge?.scheme === 'basic') return this.refusedCredentials();
    return new ModuleError(
      'registry-denied',
      `registry ${this.registry} accepted user ${this.username} but refused ${what}`,
      { kind: 'environment', hint: 'Check that this account (or token) may pull and push that repository.' },
    );
  }

  /** ModuleError 'registry-auth': the registry needs a login and none was given. */
  loginRequired(): ModuleError {
    return new ModuleError(
      'registry-auth',
      `registry ${this.registry} requires a login and no credentials were given`,
      {
        kind: 'environment',
        hint: 'Give a username and a password or access token for this registry.',
      },
    );
  }

  /** ModuleError 'registry-auth': the registry (or its token service) refused username and password. */
  refusedCredentials(): ModuleError {
    return new ModuleError(
      'registry-auth',
      `registry ${this.registry} refused the credentials for user ${this.username}: check the username and password/token`,
      {
        kind: 'environment',
        hint: 'For Docker Hub use a personal access token with "Read & Write" scope ("Read, Write, Delete" to also set a repository\'s description or visibility), or an organisation access token.',
      },
    );
  }

  /** Replaces the password (and its Basic encoding) in text a server sent back. */
  redact(text: string): string {
    const password = this.#password;
    if (!password) return text;
    return text.split(password).join('***').split(this.#basic().slice('Basic '.length)).join('***');
  }

  #basic(): string {
    if (this.#password === undefined || this.username === undefined) throw this.loginRequired();
    return `Basic ${Buffer.from(`${this.username}:${this.#password}`, 'utf8').toString('base64')}`;
  }

  #tokenKey(challenge: Challenge, scopes: string[]): string {
    return [challenge.params.realm, challenge.params.service ?? '', ...mergeScopes(scopes).sort()].join(' ');
  }

  async #token(challenge: Challenge, scopes: string[]): Promise<string> {
    const key = this.#tokenKey(challenge, scopes);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > this.#now()) return cached.token;
    const realm = this.#realmUrl(challenge);
    for (const scope of mergeScopes(scopes)) realm.searchParams.append('scope', scope);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    if (this.username !== undefined) realm.searchParams.set('account', this.username);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.#password !== undefined && !this.#identityToken) headers.Authorization = this.#basic();
    const started = this.#now();
    const response = this.#identityToken
      ? await this.#refresh(realm, challenge, scopes)
      : await send(this.#transport, realm.href, { method: 'GET', headers, replayable: true, buffer: TOKEN_LIMIT });
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => {});
      throw this.#password === undefined ? this.loginRequired() : this.refusedCredentials();
    }
    if (!response.ok) {
      throw await registryError(response, {
        registry: this.registry,
        what: `a token request to ${displayUrl(realm.href)}`,
        redact: (text) => this.redact(text),
      });
    }
    const body = (await response.json().catch(() => ({}))) as {
      token?: unknown;
      access_token?: unknown;
      expires_in?: unknown;
    };
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new ModuleError(
        'registry-auth',
        `the token service ${displayUrl(realm.href)} of ${this.registry} answered without a token`,
        {
          kind: 'environment',
          hint: "The realm in the registry's WWW-Authenticate header does not behave like a token service.",
        },
      );
    }
    const seconds =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    const lifetime = seconds * 1000;
    this.#tokens.set(key, { token, expiresAt: started + lifetime - Math.min(RENEW_MARGIN_MS, lifetime / 4) });
    return token;
  }

  /** The token spec's OAuth form: an identity token (refresh token) exchanged for an access token. */
  async #refresh(realm: URL, challenge: Challenge, scopes: string[]): Promise<Response> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.#password ?? '' });
    form.set('client_id', 'mercure-module-kit');
    if (challenge.params.service) form.set('service', challenge.params.service);
    const scope = mergeScopes(scopes).join(' ');
    if (scope) form.set('scope', scope);
    const url = new URL(realm.href);
    url.search = '';
    return send(this.#transport, url.href, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      replayable: true,
      buffer: TOKEN_LIMIT,
    });
  }

  // The realm comes from the registry: refuse to send credentials anywhere but https (or loopback).
  #realmUrl(challenge: Challenge): URL {
    let url: URL;
    try {
      url = new URL(challenge.params.realm ?? '');
    } catch {
      throw new ModuleError('registry-auth', `registry ${this.registry} named a token realm that is not a URL`, {
        kind: 'environment',
      });
    }
    const plain = url.protocol === 'http:';
    if (
      (plain && this.#password !== undefined && !isLoopbackRegistry(url.host)) ||
      (!plain && url.protocol !== 'https:')
    ) {
      throw new ModuleError(
        'registry-auth',
        `registry ${this.registry} asks for credentials at ${displayUrl(url.href)}, which is not https`,
        {
          kind: 'environment',
          hint: "Credentials are only sent over https (or to this machine); check the registry's token configuration.",
        },
      );
    }
    return url;
  }
}
