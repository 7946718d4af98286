// httpFetch, the node:http transport blob bytes travel through, against real loopback servers:
// bodies streamed as they are read, failures shaped as fetch shapes them (so the retry core judges
// them alike), redirects followed as fetch follows them, a source failure cutting the request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { BlobSpool } from '../../src/registry/spool.js';
import { httpFetch, rawBody } from '../../src/registry/http-fetch.js';
import { sha256Digest } from '../../src/registry/manifest.js';
import { isRetryableNetworkCode, networkCode } from '../../src/retry/index.js';
import { startRegistry } from '../support/registry.js';
import { failure } from '../support/failure.js';

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads a request body whole; `complete` says whether it arrived to its declared end. */
function received(req: IncomingMessage): Promise<{ bytes: Buffer; complete: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks), complete: true }));
    req.on('close', () => resolve({ bytes: Buffer.concat(chunks), complete: req.complete }));
  });
}

async function* pieces(parts: Buffer[], done?: { closed: boolean }): AsyncGenerator<Uint8Array> {
  try {
    for (const part of parts) {
      await new Promise((resolve) => setImmediate(resolve));
      yield part;
    }
  } finally {
    if (done) done.closed = true;
  }
}

describe('httpFetch', () => {
  test('hf01 a streamed body arrives whole with its Content-Length; the answer keeps status, headers and body', async () => {
    const seen: { bytes?: Buffer; length?: string | undefined; auth?: string | undefined } = {};
    const base = await serve((req, res) => {
      seen.length = req.headers['content-length'];
      seen.auth = req.headers.authorization;
      void received(req).then(({ bytes }) => {
        seen.bytes = bytes;
        res.writeHead(201, { 'Docker-Content-Digest': 'sha256:abc', Location: '/v2/x' }).end('stored');
      });
    });
    const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(5, 2), Buffer.alloc(100_000, 3)];
    const response = await httpFetch(`${base}/put`, {
      method: 'PUT',
      headers: { 'Content-Length': '170005', Authorization: 'Bearer t' },
      body: pieces(parts),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('docker-content-digest')).toBe('sha256:abc');
    expect(await response.text()).toBe('stored');
    expect(seen).toEqual({ bytes: Buffer.concat(parts), length: '170005', auth: 'Bearer t' });
  });

  test('hf02 rawBody hands over the socket stream untouched, once; a Response read as a web stream has none', async () => {
    const blob = Buffer.alloc(300_000, 7);
    const base = await serve((_req, res) => res.writeHead(200, { 'Content-Length': String(blob.length) }).end(blob));
    const raw = rawBody(await httpFetch(`${base}/blob`));
    expect(raw).toBeDefined();
    const chunks: Buffer[] = [];
    for await (const chunk of raw as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(blob)).toBe(true);

    const read = await httpFetch(`${base}/blob`);
    expect(Buffer.from(await read.arrayBuffer()).equals(blob)).toBe(true);
    expect(rawBody(read)).toBeUndefined();
    expect(rawBody(new Response('not ours'))).toBeUndefined();
  });

  test('hf03 a GET follows a redirect to another origin without the Authorization header, as fetch does', async () => {
    const auth: (string | undefined)[] = [];
    const storage = await serve((req, res) => {
      auth.push(req.headers.authorization);
      res.end('from storage');
    });
    const registry = await serve((req, res) => {
      auth.push(req.headers.authorization);
      if (req.url === '/v2/a/blobs/d') res.writeHead(307, { Location: '/v2/a/blobs/d2' }).end();
      else res.writeHead(307, { Location: `${storage}/signed?x=1` }).end();
    });
    const response = await httpFetch(`${registry}/v2/a/blobs/d`, { headers: { Authorization: 'Bearer secret' } });
    expect(await response.text()).toBe('from storage');
    expect(auth).toEqual(['Bearer secret', 'Bearer secret', undefined]);
  });

  test('hf04 a streamed body is never sent twice: a redirect of a streamed PUT fails as fetch fails', async () => {
    const base = await serve((_req, res) => res.writeHead(307, { Location: '/elsewhere' }).end());
    const error = await failure(
      httpFetch(`${base}/put`, {
        method: 'PUT',
        headers: { 'Content-Length': '3' },
        body: pieces([Buffer.from('abc')]),
        redirect: 'error',
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(networkCode(error)).toBe('FETCH_FAILED');
  });

  test('hf05 a connection the peer drops mid-body is a retryable network failure', async () => {
    const base = await serve((req) => {
      req.once('data', () => req.socket.destroy());
    });
    const error = await failure(
      httpFetch(`${base}/put`, {
        method: 'PUT',
        headers: { 'Content-Length': String(4 * 1_000_000) },
        body: pieces(Array.from({ length: 4 }, () => Buffer.alloc(1_000_000))),
      }),
    );
    expect(error).toMatchObject({ message: 'fetch failed' });
    const code = networkCode(error);
    expect(code !== undefined && isRetryableNetworkCode(code)).toBe(true);
  });

  test('hf06 an answer cut off half-way fails its reader with a retryable network code (raw stream and web body)', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000000' });
      res.write(Buffer.alloc(1000));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const raw = rawBody(await httpFetch(`${base}/blob`)) as AsyncIterable<Buffer>;
    const cut = await failure(
      (async () => {
        for await (const chunk of raw) void chunk;
      })(),
    );
    expect(isRetryableNetworkCode(networkCode(cut) ?? '')).toBe(true);

    const web = await failure((await httpFetch(`${base}/blob`)).arrayBuffer());
    expect(web).toMatchObject({ message: 'terminated' });
    expect(isRetryableNetworkCode(networkCode(web) ?? '')).toBe(true);
  });

  test('hf07 a failing source cuts the request before its end and is the error returned; the peer stores nothing whole', async () => {
    let got: Promise<{ bytes: Buffer; complete: boolean }> | undefined;
    const base = await serve((req, res) => {
      got = received(req);
      void got.then(({ complete }) => complete && res.writeHead(201).end());
    });
    const broken = new Error('digest mismatch at the source');
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(10_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw broken;
    }
    const error = await failure(
      httpFetch(`${base}/put`, {
        method: 'PUT',
        headers: { 'Content-Length': '20000' },
        body: source(),
      }),
    );
    expect(error).toBe(broken);
    expect(await got).toMatchObject({ complete: false });
  });

  test("hf08 an abort rejects with the signal's reason and closes the body's source", async () => {
    const base = await serve((req) => req.resume());
    const controller = new AbortController();
    const source = { closed: false };
    const pending = httpFetch(`${base}/put`, {
      method: 'PUT',
      headers: { 'Content-Length': String(1000 * 65_536) },
      body: pieces(
        Array.from({ length: 1000 }, () => Buffer.alloc(65_536)),
        source,
      ),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort('SIGTERM'), 30);
    expect(await failure(pending)).toBe('SIGTERM');
    await vi.waitFor(() => expect(source.closed).toBe(true));
  });

  test('hf09 a peer that takes the body and then stays silent fails as a retryable ETIMEDOUT (the answer limit, as silence)', async () => {
    vi.stubEnv('MERCURE_MODULE_REQUEST_TIMEOUT', '1');
    const base = await serve((req) => req.resume());
    const error = await failure(
      httpFetch(`${base}/put`, {
        method: 'PUT',
        headers: { 'Content-Length': '3' },
        body: pieces([Buffer.from('abc')]),
      }),
    );
    expect(networkCode(error)).toBe('ETIMEDOUT');
    expect(isRetryableNetworkCode('ETIMEDOUT')).toBe(true);
  });
});

test('hf10 a Buffer body goes with its Content-Length, never chunked (also when the caller gave none)', async () => {
  const seen: { length?: string | undefined; chunked?: string | undefined; bytes?: number } = {};
  const base = await serve((req, res) => {
    seen.length = req.headers['content-length'];
    seen.chunked = req.headers['transfer-encoding'];
    void received(req).then(({ bytes }) => {
      seen.bytes = bytes.length;
      res.end('ok');
    });
  });
  const body = Buffer.alloc(600 * 1024, 7);
  const response = await httpFetch(`${base}/put`, { method: 'PUT', body });
  expect(await response.text()).toBe('ok');
  expect(seen).toEqual({ length: String(body.length), chunked: undefined, bytes: body.length });
});

describe('a streamed upload slower than the answer limit', () => {
  test('completes: the limit counts silence, not the whole upload (a real registry, no retry)', async () => {
    vi.stubEnv('MERCURE_MODULE_REQUEST_TIMEOUT', '1');
    const registry = await startRegistry();
    try {
      const parts = Array.from({ length: 6 }, (_, i) => Buffer.alloc(100_000, i));
      const bytes = Buffer.concat(parts);
      // About 2.5 s on the way, a part every 500 ms: longer than the 1 s limit, never silent that long.
      async function* slow(): AsyncGenerator<Uint8Array> {
        for (const part of parts) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          yield part;
        }
      }
      const client = new RegistryClient({ registry: registry.host });
      expect(await client.uploadBlob('slow/upload', sha256Digest(bytes), slow(), bytes.length)).toBe('uploaded');
      expect(client.retries).toBe(0);
      expect((await client.headBlob('slow/upload', sha256Digest(bytes)))?.size).toBe(bytes.length);
    } finally {
      await registry.stop();
    }
  });
});

/** A TCP proxy to `target` that takes what the client sends at `bytesPerSecond` (a slow uplink). */
async function slowUplink(
  target: string,
  bytesPerSecond: number,
): Promise<{ host: string; close: () => Promise<void> }> {
  const [host = '', port = ''] = target.split(':');
  const server = createTcpServer((client) => {
    const upstream = connect(Number(port), host);
    upstream.pipe(client);
    client.on('data', (data: Buffer) => {
      upstream.write(data);
      client.pause();
      setTimeout(() => client.resume(), (data.length / bytesPerSecond) * 1000);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on('error', end).on('close', end);
  });
  servers.push(server as unknown as Server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return { host: `127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a chunk slower than the answer limit', () => {
  test('completes untried again: a PATCH is limited by silence, not by its length (a real registry, 8 MiB/s uplink)', async () => {
    // Silence counts from the last write the OS took: what it buffers (about 4 MiB on loopback
    // here) must drain within the limit, 0.5 s at this rate.
    vi.stubEnv('MERCURE_MODULE_REQUEST_TIMEOUT', '2');
    const registry = await startRegistry();
    const dir = await mkdtemp(path.join(tmpdir(), 'mmk-slow-chunk-'));
    try {
      const link = await slowUplink(registry.host, 8 << 20);
      const bytes = randomBytes(34 << 20);
      const spool = await BlobSpool.create(path.join(dir, 'blob'));
      await spool.append(bytes);
      spool.finish();
      const client = new RegistryClient({ registry: link.host });
      // 32 MiB a PATCH: about 4 s on this link, twice the limit.
      const started = Date.now();
      const { outcome, mode } = await client.uploadSpool('slow/chunks', spool, { chunkBytes: 32 << 20 });
      expect({ outcome, mode }).toEqual({ outcome: 'uploaded', mode: 'chunked' });
      expect(Date.now() - started).toBeGreaterThan(4000);
      expect(client.retries).toBe(0);
      expect((await client.headBlob('slow/chunks', sha256Digest(bytes)))?.size).toBe(bytes.length);
      await spool.close();
    } finally {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
