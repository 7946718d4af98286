// An in-process stand-in for Docker Hub's web API on 127.0.0.1, implementing only what src/hub uses,
// with the shapes and status codes of Hub's API reference (docs.docker.com/reference/api/hub/latest):
// POST /v2/auth/token, GET /v2/namespaces/{ns}/repositories/{name}, POST /v2/namespaces/{ns}/repositories,
// POST /v2/repositories/{ns}/{name}/privacy, PATCH /v2/repositories/{ns}/{name}.
// As strict as Hub: access tokens carry scopes (repo:public_read < repo:read < repo:write < repo:admin,
// "Read, Write, Delete" being repo:admin) and a Read & Write token gets 403 "insufficient scope" on a
// repository's description or visibility; on an organisation's repository those need admin rights too.
// Paths answer with and without a trailing slash, and `redirects` makes one answer 301/302/307/308
// instead (Hub's undocumented privacy call may), to check that a POST never turns into a GET.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A personal access token's scopes, as Hub issues them (the UI's "Read, Write, Delete" is repo:admin). */
export type HubScope = 'repo:public_read' | 'repo:read' | 'repo:write' | 'repo:admin';

/** A personal access token and its scopes; a plain string secret is a password (every scope). */
export interface HubServerToken {
  secret: string;
  scopes: HubScope[];
}

/**
 * An organisation membership: a plain name is an owner (admin on its repositories); `write` is a
 * team with Read & Write permission, which may create and push but not change repository settings.
 */
export type HubServerMembership = string | { name: string; permission: 'write' | 'admin' };

/** A Hub account: its secrets (password, access tokens) and the organisations it belongs to. */
export interface HubServerUser {
  username: string;
  secrets: (string | HubServerToken)[];
  organizations?: HubServerMembership[];
}

/** An answer of 3xx to the requests `match` matches, pointing at `location` (default: the path with a trailing slash). */
export interface HubRedirect {
  status: 301 | 302 | 303 | 307 | 308;
  match: (method: string, path: string) => boolean;
  /** Where to: a path on the stand-in, or a whole URL. */
  location?: string;
  /** How many requests it answers (default: all). */
  count?: number;
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
  /** The path as sent, trailing slash included. */
  rawPath: string;
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
  /** access token -> who it belongs to and what it may do */
  tokens: Map<string, { username: string; scopes: HubScope[] }>;
  requests: HubServerRequest[];
  faults: HubFault[];
  redirects: HubRedirect[];
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
  redirects?: HubRedirect[];
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
  scope: { errinfo: null, message: 'access denied: insufficient scope' },
  notFound: { errinfo: null, message: 'not found' },
};
const ALL_SCOPES: HubScope[] = ['repo:public_read', 'repo:read', 'repo:write', 'repo:admin'];
// Each scope includes the ones before it, as Hub's permission levels do.
const LEVEL: Record<HubScope, number> = { 'repo:public_read': 0, 'repo:read': 1, 'repo:write': 2, 'repo:admin': 3 };
const orgName = (m: HubServerMembership) => (typeof m === 'string' ? m : m.name);

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** Starts the stand-in on 127.0.0.1 with a random port. */
export async function startHubServer(options: HubServerOptions = {}): Promise<HubServer> {
  const now = options.now ?? Date.now;
  const limit = options.rateLimit ?? 1000;
  const state: HubServerState = {
    users: new Map((options.users ?? []).map((user) => [user.username, user])),
    organizations: new Set([
      ...(options.organizations ?? []),
      ...(options.users ?? []).flatMap((u) => (u.organizations ?? []).map(orgName)),
    ]),
    repositories: new Map(),
    tokens: new Map(),
    requests: [],
    faults: [],
    redirects: [...(options.redirects ?? [])],
  };
  for (const repo of options.repositories ?? []) {
    state.repositories.set(`${repo.namespace}/${repo.name}`, { description: '', fullDescription: '', ...repo });
  }
  let period = { start: now(), used: 0 };

  type Caller = { username: string; scopes: HubScope[] } | undefined;
  /** The caller's permission in a namespace: its own, or its organisation membership's. */
  const permission = (caller: Caller, namespace: string): 'admin' | 'write' | undefined => {
    if (caller === undefined) return undefined;
    if (caller.username === namespace) return 'admin';
    const membership = (state.users.get(caller.username)?.organizations ?? []).find((m) => orgName(m) === namespace);
    if (membership === undefined) return undefined;
    return typeof membership === 'string' ? 'admin' : membership.permission;
  };
  const hasScope = (caller: Caller, scope: HubScope) =>
    caller !== undefined && caller.scopes.some((s) => LEVEL[s] >= LEVEL[scope]);
  const mayWrite = (caller: Caller, namespace: string) => permission(caller, namespace) !== undefined;
  const maySee = (caller: Caller, namespace: string) => mayWrite(caller, namespace) && hasScope(caller, 'repo:read');
  const namespaceExists = (namespace: string) => state.users.has(namespace) || state.organizations.has(namespace);
  const info = (repo: Required<HubServerRepository>, user: Caller) => ({
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
    permissions: {
      read: true,
      write: mayWrite(user, repo.namespace),
      admin: permission(user, repo.namespace) === 'admin',
    },
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

  function handle(method: string, path: string, body: Record<string, unknown>, user: Caller): Answer {
    if (method === 'POST' && path === '/v2/auth/token') {
      const { identifier, secret } = body;
      if (typeof identifier !== 'string' || typeof secret !== 'string')
        return invalid('identifier', 'identifier and secret are required');
      const known = state.users
        .get(identifier)
        ?.secrets.map((s) => (typeof s === 'string' ? { secret: s, scopes: ALL_SCOPES } : s))
        .find((s) => s.secret === secret);
      if (!known) return { status: 401, body: ERROR.unauthorized };
      const token = `hubtok-${randomBytes(16).toString('hex')}`;
      state.tokens.set(token, { username: identifier, scopes: known.scopes });
      return { status: 200, body: { access_token: token } };
    }
    let match = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)$/.exec(path);
    if (match && method === 'GET') {
      const repo = state.repositories.get(`${match[1]}/${match[2]}`);
      if (!repo || (repo.isPrivate && !maySee(user, repo.namespace))) return { status: 404, body: ERROR.notFound };
      return { status: 200, body: info(repo, user) };
    }
    match = /^\/v2\/namespaces\/([^/]+)\/repositories$/.exec(path);
    if (match && method === 'POST') {
      const namespace = match[1] ?? '';
      if (user === undefined) return { status: 401, body: ERROR.unauthorized };
      if (!namespaceExists(namespace)) return { status: 404, body: ERROR.notFound };
      if (!mayWrite(user, namespace)) return { status: 403, body: ERROR.forbidden };
      if (!hasScope(user, 'repo:write')) return { status: 403, body: ERROR.scope };
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
      if (!mayWrite(user, namespace) || (repo.isPrivate && !maySee(user, namespace)))
        return { status: repo.isPrivate ? 404 : 403, body: repo.isPrivate ? ERROR.notFound : ERROR.forbidden };
      // Repository settings: "Read, Write, Delete" tokens only, and admins of an organisation's repositories.
      if (permission(user, namespace) !== 'admin') return { status: 403, body: ERROR.forbidden };
      if (!hasScope(user, 'repo:admin')) return { status: 403, body: ERROR.scope };
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
    const rawPath = new URL(request.url ?? '/', 'http://hub.invalid').pathname;
    const path = rawPath.replace(/(.)\/$/, '$1');
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
      rawPath,
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
    logged.user = user?.username;
    const redirect = state.redirects.find((r) => (r.count ?? 1) > 0 && r.match(method, rawPath));
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
    else if (redirect) {
      if (redirect.count !== undefined) redirect.count--;
      answer = { status: redirect.status, headers: { Location: redirect.location ?? `${rawPath}/` } };
    } else if (period.used > limit)
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
