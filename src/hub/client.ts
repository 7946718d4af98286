import { ModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { abortableSleep, defaultRetryPolicy, type RetryPolicy } from '../retry/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { ensureRepository, type EnsureRepositoryOutcome, type EnsureRepositoryRequest } from './ensure.js';
import { hubNamespaceNotFound, hubRepositoryNotFound } from './failures.js';
import { fitRepositoryText, type RepositoryText } from './limits.js';
import type { HubRateLimit } from './rate-limit.js';
import type { HubRepositories, HubRepository, HubWriteResult, NewRepository } from './repository.js';
import { HubSession } from './session.js';

export type { HubRepositories, HubRepository, HubWriteResult, NewRepository } from './repository.js';

/** How to reach Docker Hub's API. */
export interface HubClientOptions {
  /** The API base URL; defaults to https://hub.docker.com (tests point it at a loopback stand-in). */
  url?: string;
  /** A Hub user (or organisation) with a password, personal or organisation access token. */
  credentials?: Credentials;
  /** Where retries (warnings) and requests (debug lines) are told. */
  logger?: Logger;
  /** Decides retries of 5xx, reset connections and bounded 429 waits; defaults to 3 retries from 1 s. */
  retry?: RetryPolicy;
  /** A 429 asking to wait longer than this fails with 'hub-rate-limited' (default 60 s). */
  maxRateLimitWaitMs?: number;
  /** The fetch to use; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** How to wait between retries; defaults to a timer that an abort ends early. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** SIGINT/SIGTERM or a deadline: requests stop and a 429 wait ends (ModuleError 'interrupted'). */
  signal?: AbortSignal | undefined;
  /** The clock X-Retry-After is read against; defaults to Date.now. */
  now?: () => number;
}

// Hub's documented repository name rule; namespaces (Docker IDs, organisations) are lower-case too.
const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const NAMESPACE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function checkName(namespace: string, name: string): void {
  if (!NAMESPACE.test(namespace)) {
    throw new ModuleError(
      'hub-bad-name',
      `"${namespace}" is not a Docker Hub namespace: use lower-case letters, digits, and . _ - between them`,
      { kind: 'usage' },
    );
  }
  if (name.length < 2 || name.length > 255 || !NAME.test(name)) {
    throw new ModuleError(
      'hub-bad-name',
      `"${name}" is not a Docker Hub repository name: use 2-255 lower-case letters, digits, and . _ - between them`,
      { kind: 'usage' },
    );
  }
}

function readRepository(body: unknown, namespace: string, name: string): HubRepository {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof record.is_private !== 'boolean') {
    throw new ModuleError(
      'hub-bad-answer',
      `Docker Hub described ${namespace}/${name} without saying whether it is private`,
      {
        kind: 'environment',
        hint: "Check that the URL points at Docker Hub's API.",
      },
    );
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    namespace: text(record.namespace) || namespace,
    name: text(record.name) || name,
    isPrivate: record.is_private,
    description: text(record.description),
    fullDescription: text(record.full_description),
  };
}

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/**
 * Docker Hub's web API for repositories: read, create, change visibility, sync descriptions, and
 * `ensureRepository`, which creates a repository with the asked visibility before the first push.
 */
export class HubClient implements HubRepositories {
  readonly #session: HubSession;
  #rateLimit: HubRateLimit | undefined;

  constructor(options: HubClientOptions = {}) {
    const logger = options.logger ?? silentLogger;
    const maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 60_000;
    this.#session = new HubSession(options.url, options.credentials, {
      fetch: options.fetch ?? globalThis.fetch,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? abortableSleep,
      signal: options.signal,
      logger,
      retry: options.retry ?? defaultRetryPolicy({ retries: 3, baseDelayMs: 1000, maxDelayMs: maxRateLimitWaitMs }),
      maxRateLimitWaitMs,
      onRateLimit: (limit) => {
        this.#rateLimit = limit;
      },
    });
  }

  /** The API base URL in use. */
  get baseUrl(): string {
    return this.#session.baseUrl;
  }

  /** The X-RateLimit-* values of the last answer that carried them. */
  get rateLimit(): HubRateLimit | undefined {
    return this.#rateLimit;
  }

  /** Logs in now (requests log in by themselves when needed); 'hub-auth' when Hub refuses. */
  login(): Promise<void> {
    return this.#session.login();
  }

  /** The repository, or undefined when Hub has none by that name (or hides it from this account). */
  async getRepository(namespace: string, name: string): Promise<HubRepository | undefined> {
    checkName(namespace, name);
    const response = await this.#session.call({
      method: 'GET',
      path: `/v2/namespaces/${path(namespace, 'repositories', name)}`,
      what: `read repository ${namespace}/${name}`,
      namespace,
      expect: [200],
    });
    if (response.status === 404) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
    return readRepository(await response.json().catch(() => undefined), namespace, name);
  }

  /** Creates a repository (POST /v2/namespaces/{ns}/repositories), its text cut to Hub's limits. */
  async createRepository(
    namespace: string,
    name: string,
    repository: NewRepository,
  ): Promise<HubWriteResult & { repository: HubRepository }> {
    checkName(namespace, name);
    const { text, warnings } = fitRepositoryText(`${namespace}/${name}`, repository);
    const response = await this.#session.call({
      method: 'POST',
      path: `/v2/namespaces/${path(namespace)}/repositories`,
      body: {
        name,
        namespace,
        description: text.description ?? '',
        full_description: text.fullDescription ?? '',
        is_private: repository.isPrivate,
        registry: 'docker.io',
      },
      what: `create repository ${namespace}/${name}`,
      namespace,
      needs: 'write',
      expect: [201],
      notFound: () => hubNamespaceNotFound(namespace, this.#session.username),
    });
    return { repository: readRepository(await response.json().catch(() => undefined), namespace, name), warnings };
  }

  /** Makes a repository private or public (POST /v2/repositories/{ns}/{name}/privacy). */
  async setVisibility(namespace: string, name: string, isPrivate: boolean): Promise<void> {
    checkName(namespace, name);
    const response = await this.#session.call({
      method: 'POST',
      path: `/v2/repositories/${path(namespace, name)}/privacy`,
      body: { is_private: isPrivate },
      what: `make repository ${namespace}/${name} ${isPrivate ? 'private' : 'public'}`,
      namespace,
      needs: 'admin',
      expect: [200, 204],
      notFound: () => hubRepositoryNotFound(`${namespace}/${name}`),
    });
    await response.body?.cancel().catch(() => {});
  }

  /** Sets the short and/or full description (PATCH /v2/repositories/{ns}/{name}), cut to Hub's limits. */
  async updateDescription(namespace: string, name: string, update: RepositoryText): Promise<HubWriteResult> {
    checkName(namespace, name);
    const { text, warnings } = fitRepositoryText(`${namespace}/${name}`, update);
    const body: Record<string, string> = {};
    if (text.description !== undefined) body.description = text.description;
    if (text.fullDescription !== undefined) body.full_description = text.fullDescription;
    if (Object.keys(body).length === 0) return { warnings };
    const response = await this.#session.call({
      method: 'PATCH',
      path: `/v2/repositories/${path(namespace, name)}`,
      body,
      what: `update the description of ${namespace}/${name}`,
      namespace,
      needs: 'admin',
      expect: [200],
      notFound: () => hubRepositoryNotFound(`${namespace}/${name}`),
    });
    await response.body?.cancel().catch(() => {});
    return { warnings };
  }

  /** Makes sure the repository exists with the asked visibility before anything is pushed (see ensure.ts). */
  ensureRepository(request: EnsureRepositoryRequest): Promise<EnsureRepositoryOutcome> {
    return ensureRepository(this, request);
  }
}
