// An in-process stand-in for Docker Hub's web API on 127.0.0.1, implementing only what src/hub uses,
// with the shapes and status codes of Hub's API reference (docs.docker.com/reference/api/hub/latest):
// POST /v2/auth/token, GET /v2/namespaces/{ns}/repositories/{name}, POST /v2/namespaces/{ns}/repositories,
// POST /v2/repositories/{ns}/{name}/privacy, PATCH /v2/repositories/{ns}/{name}.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Hub account: its secrets (password, access tokens) and the organisations it may write to. */
export interface HubServerUser {
  username: string;
  secrets: string[];
  organizations?: string[];
}

/** A repository as the stand-in stores it. */
export interface HubServerRepository {
  namespace: string;
  name: string;
  isPrivate: boolean;
  description?: string;
  fullDescription?: string;
}

/** One answered request, in arrival order. Bodies are parsed JSON with any `secret` replaced by '***'. */
export interface HubServerRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
  /** The user the bearer token belongs to, if any. */
  user: string | undefined;
}

/** A failure to answer instead of (or, with `afterHandling`, after) handling a request. */
export interface HubFault {
  status: 429 | 500 | 502 | 503;
  /** X-Retry-After to send (a unix time in seconds), as Hub's reference long documented. */
  retryAfter?: number;
  /** Retry-After to send (seconds), as Hub's reference documents since mid-2025. */
  retryAfterSeconds?: number;
  /** Only requests this matches are failed (default: all). */
  match?: (method: string, path: string) => boolean;
  /** Handle the request (apply the change), then answer with the fault: "the answer was lost". */
  afterHandling?: boolean;
}

/** Everything the stand-in knows, for tests to set up and inspect. */
export interface HubServerState {
  users: Map<string, HubServerUser>;
  organizations: Set<string>;
  repositories: Map<string, Required<HubServerRepository>>;
  /** access token -> username */
  tokens: Map<string, string>;
  requests: HubServerRequest[];
  faults: HubFault[];
}

/** Options of `startHubServer`. */
export interface HubServerOptions {
  users?: HubServerUser[];
  /** Organisations that exist (besides those users belong to). */
  organizations?: string[];
  repositories?: HubServerRepository[];
  /** Requests per minute before answering 429 (default 1000). */
  rateLimit?: number;
  /** The server's clock (default Date.now). */
  now?: () => number;
}

/** A running stand-in. */
export interface HubServer {
  url: string;
  state: HubServerState;
  /** The next `count` matching requests answer with `fault`. */
  failNext(count: number, fault: HubFault): void;
  close(): Promise<void>;
}

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ERROR = {
  unauthorized: { errinfo: null, message: 'unauthorized' },
  forbidden: { errinfo: null, message: 'permission denied' },
  notFound: { errinfo: null, message: 'not found' },
};

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** Starts the stand-in on 127.0.0.1 with a random port. */
export async function startHubServer(options: HubServerOptions = {}): Promise<HubServer> {
  const now = options.now ?? Date.now;
  const limit = options.rateLimit ?? 1000;
  const state: HubServerState = {
    users: new Map((options.users ?? []).map((user) => [user.username, user])),
    organizations: new Set([
      ...(options.organizations ?? []),
      ...(options.users ?? []).flatMap((u) => u.organizations ?? []),
    ]),
    repositories: new Map(),
    tokens: new Map(),
    requests: [],
    faults: [],
  };
  for (const repo of options.repositories ?? []) {
    state.repositories.set(`${repo.namespace}/${repo.name}`, { description: '', fullDescription: '', ...repo });
  }
  let period = { start: now(), used: 0 };

  const mayWrite = (user: string | undefined, namespace: string) =>
    user !== undefined && (user === namespace || (state.users.get(user)?.organizations ?? []).includes(namespace));
  const namespaceExists = (namespace: string) => state.users.has(namespace) || state.organizations.has(namespace);
  const info = (repo: Required<HubServerRepository>, user: string | undefined) => ({
    user: repo.namespace,
    name: repo.name,
    namespace: repo.namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: repo.description,
    is_private: repo.isPrivate,
    is_automated: false,
    star_count: 0,
    pull_count: 0,
    last_updated: new Date(now()).toISOString(),
    date_registered: new Date(now()).toISOString(),
    collaborator_count: 0,
    hub_user: repo.namespace,
    has_starred: false,
    full_description: repo.fullDescription,
    permissions: { read: true, write: mayWrite(user, repo.namespace), admin: mayWrite(user, repo.namespace) },
    media_types: [],
    content_types: [],
    categories: [],
    immutable_tags_settings: { enabled: false, rules: [] },
    storage_size: null,
    source: null,
  });
  const tooLong = (body: Record<string, unknown>): Answer | undefined => {
    for (const [field, max] of [
      ['description', 100],
      ['full_description', 25_000],
    ] as const) {
      const value = body[field];
      if (value !== undefined && typeof value !== 'string') return invalid(field, 'must be a string');
      if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > max)
        return invalid(field, `must be at most ${max} bytes`);
    }
    return undefined;
  };

  function handle(method: string, path: string, body: Record<string, unknown>, user: string | undefined): Answer {
    if (method === 'POST' && path === '/v2/auth/token') {
      const { identifier, secret } = body;
      if (typeof identifier !== 'string' || typeof secret !== 'string')
        return invalid('identifier', 'identifier and secret are required');
      if (!state.users.get(identifier)?.secrets.includes(secret)) return { status: 401, body: ERROR.unauthorized };
      const token = `hubtok-${randomBytes(16).toString('hex')}`;
      state.tokens.set(token, identifier);
      return { status: 200, body: { access_token: token } };
    }
    let match = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)$/.exec(path);
    if (match && method === 'GET') {
      const repo = state.repositories.get(`${match[1]}/${match[2]}`);
      if (!repo || (repo.isPrivate && !mayWrite(user, repo.namespace))) return { status: 404, body: ERROR.notFound };
      return { status: 200, body: info(repo, user) };
    }
    match = /^\/v2\/namespaces\/([^/]+)\/repositories$/.exec(path);
    if (match && method === 'POST') {
      const namespace = match[1] ?? '';
      if (user === undefined) return { status: 401, body: ERROR.unauthorized };
      if (!namespaceExists(namespace)) return { status: 404, body: ERROR.notFound };
      if (!mayWrite(user, namespace)) return { status: 403, body: ERROR.forbidden };
      const { name, is_private: isPrivate = false } = body;
      if (typeof name !== 'string' || name.length < 2 || name.length > 255 || !NAME.test(name))
        return invalid('name', 'invalid repository name');
      if (body.namespace !== namespace) return invalid('namespace', 'must match the namespace in the path');
      if (typeof isPrivate !== 'boolean') return invalid('is_private', 'must be a boolean');
      const long = tooLong(body);
      if (long) return long;
      if (state.repositories.has(`${namespace}/${name}`)) return invalid('name', 'repository already exists');
      const repo = {
        namespace,
        name,
        isPrivate,
        description: typeof body.description === 'string' ? body.description : '',
        fullDescription: typeof body.full_description === 'string' ? body.full_description : '',
      };
      state.repositories.set(`${namespace}/${name}`, repo);
      return { status: 201, body: info(repo, user) };
    }
    match = /^\/v2\/repositories\/([^/]+)\/([^/]+)(\/privacy)?$/.exec(path);
    if (match && ((method === 'POST' && match[3]) || (method === 'PATCH' && !match[3]))) {
      const namespace = match[1] ?? '';
      if (user === undefined) return { status: 401, body: ERROR.unauthorized };
      const repo = state.repositories.get(`${namespace}/${match[2]}`);
      if (!repo) return { status: 404, body: ERROR.notFound };
      if (!mayWrite(user, namespace))
        return { status: repo.isPrivate ? 404 : 403, body: repo.isPrivate ? ERROR.notFound : ERROR.forbidden };
      if (match[3]) {
        if (typeof body.is_private !== 'boolean') return invalid('is_private', 'must be a boolean');
        repo.isPrivate = body.is_private;
      } else {
        const long = tooLong(body);
        if (long) return long;
        if (typeof body.description === 'string') repo.description = body.description;
        if (typeof body.full_description === 'string') repo.fullDescription = body.full_description;
      }
      return { status: 200, body: info(repo, user) };
    }
    return { status: 404, body: ERROR.notFound };
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://hub.invalid').pathname.replace(/(.)\/$/, '$1');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      body = { unparsable: true };
    }
    const logged: HubServerRequest = {
      method,
      path,
      body: 'secret' in body ? { ...body, secret: '***' } : body,
      status: 0,
      user: undefined,
    };
    state.requests.push(logged);

    if (now() - period.start >= 60_000) period = { start: now(), used: 0 };
    period.used++;
    const reset = Math.ceil((period.start + 60_000) / 1000);
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - period.used)),
      'X-RateLimit-Reset': String(reset),
    };

    let answer: Answer;
    const auth = request.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const user = token === undefined ? undefined : state.tokens.get(token);
    logged.user = user;
    const faultIndex = state.faults.findIndex((fault) => fault.match?.(method, path) ?? true);
    const fault = faultIndex >= 0 ? state.faults.splice(faultIndex, 1)[0] : undefined;
    const failure = (f: HubFault): Answer => ({
      status: f.status,
      body:
        f.status === 429
          ? { detail: 'Rate limit exceeded', error: false }
          : { errinfo: null, message: 'internal error' },
      headers: {
        ...(f.retryAfter === undefined ? {} : { 'X-Retry-After': String(f.retryAfter) }),
        ...(f.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(f.retryAfterSeconds) }),
      },
    });
    if (fault && !fault.afterHandling) answer = failure(fault);
    else if (period.used > limit)
      answer = {
        status: 429,
        body: { detail: 'Rate limit exceeded', error: false },
        headers: { 'X-Retry-After': String(reset) },
      };
    else if (auth !== undefined && user === undefined) answer = { status: 401, body: ERROR.unauthorized };
    else answer = handle(method, path, body, user);
    if (fault?.afterHandling) answer = failure(fault);

    logged.status = answer.status;
    response.writeHead(answer.status, { 'Content-Type': 'application/json', ...headers, ...answer.headers });
    response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ errinfo: null, message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    failNext(count, fault) {
      for (let i = 0; i < count; i++) state.faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function invalid(field: string, text: string): Answer {
  return { status: 400, body: { errinfo: { [field]: [text] }, message: text } };
}
