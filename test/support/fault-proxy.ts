// An HTTP proxy on loopback in front of a real registry that misbehaves the way registries do in
// practice, at a chosen rate, from a seeded RNG (a failing run can be replayed with its seed):
// connections dropped before or after the registry acted, bodies cut off half-way, 500/502/503,
// 429 with Retry-After or Docker Hub's X-Retry-After, and slow answers.
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy may do to one request instead of forwarding it plainly. */
export type FaultKind =
  /** The connection drops before the request reaches the registry. */
  | 'drop'
  /** The registry acts on the request; the connection drops before the answer. */
  | 'drop-after'
  /** The answer's headers and part of its body arrive, then the connection drops. */
  | 'cut-body'
  /** 500 before the registry sees the request. */
  | '500'
  /** The registry acts on the request; the client gets 502 instead of the answer (a gateway timing out). */
  | '502-after'
  /** 503 with Retry-After: 0, before the registry sees the request. */
  | '503'
  /** 429 with Retry-After: 1 or X-Retry-After (unix time), before the registry sees the request. */
  | '429'
  /** Forwarded after 50-400 ms. */
  | 'delay'
  /** 405 before the registry sees the request, as a registry that takes no chunked uploads answers a PATCH (never drawn at random). */
  | '405';

export const ALL_FAULTS: readonly FaultKind[] = [
  'drop',
  'drop-after',
  'cut-body',
  '500',
  '502-after',
  '503',
  '429',
  'delay',
];

/** How the proxy misbehaves. */
export interface FaultProxyOptions {
  /** The registry behind it: `127.0.0.1:PORT` (loopback only). */
  target: string;
  /** The share of requests that get a fault, 0 to 1. */
  rate: number;
  /** Seed of the RNG that picks which requests fail and how. */
  seed: number;
  /** The faults to pick from (default: all). */
  kinds?: readonly FaultKind[];
  /** Sees every request first: a fault to force, 'pass' to let it through, undefined to leave it to the RNG. */
  decide?: (request: ProxiedRequest) => FaultKind | 'pass' | undefined;
}

/** A request as `decide` sees it. */
export interface ProxiedRequest {
  method: string;
  /** The path without the query (upload URLs carry opaque state there). */
  path: string;
  /** Sent by the Docker Engine (User-Agent docker/...), not by this tool. */
  engine: boolean;
  /** The body's declared Content-Length (0 when none). */
  length: number;
}

/** What the proxy did so far. */
export interface FaultStats {
  requests: number;
  faults: number;
  byKind: Record<FaultKind, number>;
  /** Requests from the Docker Engine (its User-Agent starts with `docker/`) and faults among them. */
  engine: { requests: number; faults: number };
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `127.0.0.1:PORT`, to use as the registry host in image references. */
  host: string;
  readonly stats: FaultStats;
  /** Changes the fault rate from now on (0 lets everything through). */
  setRate(rate: number): void;
  /**
   * Resolves once no request is inside the proxy: each one answered, dropped, or sent on with the
   * registry's answer read (a delayed request whose client gave up still reaches the registry).
   * What to wait for before asserting that nothing changed in the registry.
   */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** mulberry32: a small, seedable, good-enough PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/;
const ERROR_BODY: Record<string, string> = {
  '500': '{"errors":[{"code":"UNKNOWN","message":"injected: internal error"}]}',
  '502': '{"errors":[{"code":"UNKNOWN","message":"injected: bad gateway"}]}',
  '503': '{"errors":[{"code":"UNAVAILABLE","message":"injected: service unavailable"}]}',
  '429': '{"errors":[{"code":"TOOMANYREQUESTS","message":"injected: too many requests"}]}',
  '405': '{"errors":[{"code":"UNSUPPORTED","message":"injected: chunked uploads are not supported"}]}',
};

/** Starts a fault proxy on a free 127.0.0.1 port in front of `options.target`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  if (!LOOPBACK.test(options.target))
    throw new Error(`the fault proxy only fronts loopback registries, not ${options.target}`);
  const [targetHost = '127.0.0.1', targetPort = '0'] = options.target.split(/:(?=\d+$)/);
  const random = seededRandom(options.seed);
  const kinds = options.kinds ?? ALL_FAULTS;
  let rate = options.rate;
  const byKind = Object.fromEntries([...ALL_FAULTS, '405'].map((k) => [k, 0])) as Record<FaultKind, number>;
  const stats: FaultStats = { requests: 0, faults: 0, byKind, engine: { requests: 0, faults: 0 } };
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  let inside = 0;
  let idleWaiters: (() => void)[] = [];
  /** One request entered; the returned function (idempotent) says it is out. */
  const enter = (): (() => void) => {
    inside++;
    let out = false;
    return () => {
      if (out) return;
      out = true;
      if (--inside === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
    };
  };
  const sockets = new Set<Socket>();

  const answer = (req: IncomingMessage, res: ServerResponse, status: '500' | '502' | '503' | '429' | '405') => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (status === '503') headers['retry-after'] = '0';
    if (status === '429') {
      if (random() < 0.5) headers['retry-after'] = '1';
      else headers['x-retry-after'] = String(Math.floor(Date.now() / 1000) + 1);
    }
    const send = () =>
      res.writeHead(Number(status), headers).end(req.method === 'HEAD' ? undefined : ERROR_BODY[status]);
    if (req.complete) send();
    else req.on('end', send).resume();
  };

  /** Sends the request on; `then` gets the registry's answer (the request has had its effect). */
  const forward = (req: IncomingMessage, res: ServerResponse, then: (upstream: IncomingMessage) => void) => {
    const headers = { ...req.headers };
    delete headers.expect;
    const out = exits.get(req) ?? (() => {});
    // Its client went while the request waited here (a delay): nothing is left to send on.
    if (req.destroyed) return out();
    const outgoing = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers, agent },
      (upstream) => {
        // The registry has answered: the request had its effect. Read to the end even if the client went.
        upstream.on('end', out);
        upstream.on('error', out);
        upstream.on('close', out);
        res.on('close', () => upstream.resume());
        then(upstream);
      },
    );
    outgoing.on('error', () => {
      out();
      res.socket?.destroy();
    });
    // A client gone before its body was all in: the registry could only refuse the rest, so stop.
    req.on('close', () => {
      if (!req.complete) outgoing.destroy();
    });
    req.pipe(outgoing);
  };

  const relay = (req: IncomingMessage, res: ServerResponse) =>
    forward(req, res, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
      upstream.on('error', () => res.socket?.destroy());
    });

  const exits = new WeakMap<IncomingMessage, () => void>();
  const server: Server = createServer((req, res) => {
    const out = enter();
    exits.set(req, out);
    stats.requests++;
    const engine = /^docker\//.test(req.headers['user-agent'] ?? '');
    if (engine) stats.engine.requests++;
    const chosen = options.decide?.({
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      engine,
      length: Number(req.headers['content-length'] ?? '0'),
    });
    const fault =
      chosen === 'pass'
        ? undefined
        : (chosen ?? (random() < rate ? kinds[Math.floor(random() * kinds.length)] : undefined));
    if (fault === undefined) return relay(req, res);
    stats.faults++;
    byKind[fault]++;
    if (engine) stats.engine.faults++;
    switch (fault) {
      case 'drop':
        out();
        return req.socket.destroy();
      case '500':
      case '503':
      case '429':
      case '405':
        res.on('close', out);
        return answer(req, res, fault);
      case 'delay':
        return void setTimeout(() => relay(req, res), 50 + Math.floor(random() * 350));
      case 'drop-after':
        return forward(req, res, (upstream) => {
          upstream.resume();
          upstream.on('end', () => req.socket.destroy());
        });
      case '502-after':
        return forward(req, res, (upstream) => {
          upstream.resume();
          upstream.on('end', () => answer(req, res, '502'));
        });
      case 'cut-body':
        return forward(req, res, (upstream) => {
          const length = Number(upstream.headers['content-length'] ?? '0');
          if (req.method === 'HEAD' || length < 2) {
            upstream.resume();
            upstream.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          let sent = 0;
          const keep = Math.max(1, Math.floor(length / 2));
          upstream.on('data', (chunk: Buffer) => {
            if (sent >= keep) return;
            const part = chunk.subarray(0, keep - sent);
            sent += part.length;
            res.write(part);
            if (sent >= keep) {
              upstream.destroy();
              // Let the half body reach the client before the connection goes.
              setTimeout(() => req.socket.destroy(), 20);
            }
          });
          upstream.on('end', () => req.socket.destroy());
        });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    stats,
    setRate(next) {
      rate = next;
    },
    idle: () => (inside === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
