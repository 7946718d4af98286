// getOverSocket, the bare-socket HTTP/1.1 client blob GETs go through, against real loopback peers:
// a real registry, raw TCP servers that frame bodies every way RFC 9112 allows (and some ways it
// does not), a TLS server. Lent chunks are reused only once given back; failures are shaped as
// fetch shapes them, so the retry core judges them alike.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { httpFetch, rawBody } from '../../src/registry/http-fetch.js';
import { getOverSocket, giveBack, type Answer } from '../../src/registry/http-get.js';
import { isRetryableNetworkCode, networkCode } from '../../src/retry/index.js';
import { startRegistry } from '../support/registry.js';
import { failure } from '../support/failure.js';

const run = promisify(execFile);
const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A raw TCP server: `talk` gets each connection once the request head has arrived. */
async function rawServer(talk: (socket: Socket, head: string) => void): Promise<string> {
  const server = createServer((socket) => {
    let head = '';
    socket.on('error', () => {});
    const onData = (data: Buffer) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      talk(socket, head);
    };
    socket.on('data', onData);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `parts` one at a time, a tick apart, so the client reads them in separate reads. */
async function trickle(socket: Socket, parts: (string | Buffer)[]): Promise<void> {
  for (const part of parts) {
    socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function bodyOf(answer: Answer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of answer as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('getOverSocket', () => {
  test('hg01 a registry blob arrives exact; given-back chunks reuse a few buffers, kept chunks are never overwritten', async () => {
    const registry = await startRegistry();
    try {
      const blob = randomBytes(24 << 20);
      const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
      const client = new RegistryClient({ registry: registry.host });
      await client.uploadBlob('get/blob', digest, blob, blob.length);
      const url = new URL(`http://${registry.host}/v2/get/blob/blobs/${digest}`);

      // Given back as read: the same few buffers carry the whole blob.
      const answer = await getOverSocket(url, {});
      expect(answer.statusCode).toBe(200);
      const hash = createHash('sha256');
      const buffers = new Set<ArrayBufferLike>();
      let chunks = 0;
      for await (const chunk of answer as AsyncIterable<Buffer>) {
        hash.update(chunk);
        buffers.add(chunk.buffer);
        chunks++;
        giveBack(chunk);
      }
      expect(`sha256:${hash.digest('hex')}`).toBe(digest);
      expect(chunks).toBeGreaterThan(50);
      expect(buffers.size).toBeLessThanOrEqual(16);

      // Kept (never given back): every chunk still holds its bytes at the end.
      const kept = await getOverSocket(url, {});
      const all: Buffer[] = [];
      for await (const chunk of kept as AsyncIterable<Buffer>) all.push(chunk);
      expect(Buffer.concat(all).equals(blob)).toBe(true);
    } finally {
      await registry.stop();
    }
  });

  test('hg02 the request carries Host, the headers given and Connection: close; line breaks in a header are refused', async () => {
    let seen = '';
    const base = await rawServer((socket, head) => {
      seen = head;
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const answer = await getOverSocket(new URL(`${base}/v2/x/blobs/sha256:ab?n=1`), {
      Authorization: 'Bearer t0ken',
      Accept: '*/*',
    });
    expect((await bodyOf(answer)).toString()).toBe('ok');
    const lines = seen.split('\r\n');
    expect(lines[0]).toBe('GET /v2/x/blobs/sha256:ab?n=1 HTTP/1.1');
    expect(lines).toContain(`Host: ${new URL(base).host}`);
    expect(lines).toContain('Authorization: Bearer t0ken');
    expect(lines).toContain('Connection: close');
    await expect(getOverSocket(new URL(base), { 'X-Bad': 'a\r\nInjected: yes' })).rejects.toThrow(/line break/);
  });

  test('hg03 the chunked coding, split anywhere across reads, with extensions and trailers', async () => {
    const base = await rawServer((socket) => {
      void trickle(socket, [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n',
        '\r\n5;name=v',
        'alue\r\nhel',
        'lo\r',
        '\n1',
        '0\r\n',
        Buffer.alloc(16, 'x'),
        '\r\n0\r\nTrailer: a\r\n',
        '\r\n',
      ]).then(() => socket.end());
    });
    const answer = await getOverSocket(new URL(base), {});
    expect((await bodyOf(answer)).toString()).toBe(`hello${'x'.repeat(16)}`);
  });

  test('hg04 a body framed by the end of the connection; a 103 before the answer; 204 has no body', async () => {
    const base = await rawServer((socket, head) => {
      if (head.startsWith('GET /empty')) {
        socket.write('HTTP/1.1 204 No Content\r\n\r\n');
        return;
      }
      void trickle(socket, [
        'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n',
        'HTTP/1.1 200 OK\r\n\r\nto the ',
        'end',
      ]).then(() => socket.end());
    });
    const answer = await getOverSocket(new URL(base), {});
    expect(answer.statusCode).toBe(200);
    expect((await bodyOf(answer)).toString()).toBe('to the end');
    const empty = await getOverSocket(new URL(`${base}/empty`), {});
    expect(empty.statusCode).toBe(204);
    expect((await bodyOf(empty)).length).toBe(0);
  });

  test('hg05 a body cut before its declared end is a retryable ECONNRESET (Content-Length and chunked alike)', async () => {
    const base = await rawServer((socket, head) => {
      if (head.startsWith('GET /chunked'))
        socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort');
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
    });
    for (const where of ['/length', '/chunked']) {
      const answer = await getOverSocket(new URL(`${base}${where}`), {});
      const error = await failure(bodyOf(answer));
      expect(networkCode(error)).toBe('ECONNRESET');
      expect(isRetryableNetworkCode('ECONNRESET')).toBe(true);
    }
  });

  test('hg06 answers that are not HTTP fail as fetch fails, naming what was wrong', async () => {
    const answers: Record<string, string> = {
      '/status': 'SSH-2.0-OpenSSH_9.2\r\n\r\n',
      '/field': 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      '/length': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      '/head': `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`,
      '/nothing': '',
    };
    const base = await rawServer((socket, head) => socket.end(answers[head.split(' ')[1] ?? ''] ?? ''));
    const codes: Record<string, string | undefined> = {};
    for (const where of Object.keys(answers)) {
      const error = await failure(getOverSocket(new URL(`${base}${where}`), {}));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe('fetch failed');
      codes[where] = networkCode(error);
    }
    expect(codes).toEqual({
      '/status': 'HPE_INVALID_CONSTANT',
      '/field': 'HPE_INVALID_HEADER_TOKEN',
      '/length': 'HPE_INVALID_CONTENT_LENGTH',
      '/head': 'HPE_HEADER_OVERFLOW',
      '/nothing': 'ECONNRESET',
    });
    // A bad chunk size shows once the head has arrived: an error of the body.
    const bad = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
    const answer = await getOverSocket(new URL(bad), {});
    const error = (await failure(bodyOf(answer))) as Error & { code?: string };
    expect(error.code).toBe('HPE_INVALID_CHUNK_SIZE');
    expect(error.message).toMatch(/not a chunk size: "zz"/);
  });

  test('hg07 a refused connection and a silent peer are retryable, as with fetch', async () => {
    const closed = await rawServer(() => {});
    const port = new URL(closed).port;
    await new Promise((resolve) => servers.splice(0).forEach((s) => s.close(resolve)));
    const refused = await failure(getOverSocket(new URL(`http://127.0.0.1:${port}/`), {}));
    expect(networkCode(refused)).toBe('ECONNREFUSED');

    vi.stubEnv('MERCURE_MODULE_REQUEST_TIMEOUT', '1');
    const silentHead = await rawServer(() => {});
    expect(networkCode(await failure(getOverSocket(new URL(silentHead), {})))).toBe('ETIMEDOUT');
    const silentBody = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const answer = await getOverSocket(new URL(silentBody), {});
    expect(networkCode(await failure(bodyOf(answer)))).toBe('ETIMEDOUT');
    expect(isRetryableNetworkCode('ETIMEDOUT')).toBe(true);
  });

  test("hg08 an abort rejects with the signal's reason before the head, and ends the body after it", async () => {
    const base = await rawServer((socket, head) => {
      if (head.startsWith('GET /body')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    });
    const before = new AbortController();
    const pending = getOverSocket(new URL(`${base}/none`), {}, before.signal);
    before.abort('SIGTERM');
    expect(await failure(pending)).toBe('SIGTERM');

    const after = new AbortController();
    const answer = await getOverSocket(new URL(`${base}/body`), {}, after.signal);
    const reading = failure(bodyOf(answer));
    after.abort(new Error('interrupted'));
    expect(((await reading) as Error).message).toBe('interrupted');
  });

  test('hg09 a reader that stops reading pauses the socket: the answer holds at most its high-water mark', async () => {
    let written = 0;
    const base = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 268435456\r\n\r\n');
      const piece = Buffer.alloc(1 << 20);
      const more = () => {
        while (written < 256 << 20 && socket.write(piece)) written += piece.length;
      };
      socket.on('drain', more);
      more();
    });
    const answer = await getOverSocket(new URL(base), {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answer.readableLength).toBeLessThanOrEqual(answer.readableHighWaterMark);
    // The server is held back too (kernel buffers, not 256 MB).
    expect(written).toBeLessThan(64 << 20);
    answer.destroy();
  });

  test('hg10 TLS: a certificate nobody trusts is refused; a trusted one (NODE_EXTRA_CA_CERTS) carries the body, in record-sized buffers', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mmk-http-get-'));
    try {
      const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
      await run('openssl', [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ]);
      const body = randomBytes(4 << 20);
      const server = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) => {
        res.writeHead(200, { 'Content-Length': String(body.length) });
        res.end(body);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      expect(networkCode(await failure(getOverSocket(new URL(url), {})))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      // The CA list is read when node starts: a child process trusts the certificate.
      // TLS hands over a record (at most 16 KiB) a read: the buffers are that size, and given back they are reused.
      const script = [
        'import { createHash } from "node:crypto";',
        `import { getOverSocket, giveBack } from ${JSON.stringify(path.resolve('src/registry/http-get.ts'))};`,
        `const answer = await getOverSocket(new URL(${JSON.stringify(url)}), {});`,
        'const hash = createHash("sha256"); const buffers = new Set(); let biggest = 0;',
        'for await (const chunk of answer) { hash.update(chunk); buffers.add(chunk.buffer); biggest = Math.max(biggest, chunk.buffer.byteLength); giveBack(chunk); }',
        'console.log(answer.statusCode, hash.digest("hex"), biggest, buffers.size);',
      ].join('\n');
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
      });
      const [status, digest, biggest, buffers] = stdout.trim().split(' ');
      expect([status, digest]).toEqual(['200', createHash('sha256').update(body).digest('hex')]);
      expect(Number(biggest)).toBeLessThanOrEqual(16 * 1024);
      expect(Number(buffers)).toBeLessThanOrEqual(128);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('hg11 httpFetch takes GETs this way: an error answer reads as text, a blob as the raw stream', async () => {
    const base = await rawServer((socket, head) => {
      if (head.startsWith('GET /missing'))
        socket.end(
          'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"errors":[]}\n',
        );
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nblob');
    });
    const missing = await httpFetch(`${base}/missing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(await missing.text()).toBe('{"errors":[]}\n');
    const found = await httpFetch(`${base}/blob`);
    const stream = rawBody(found);
    expect(stream).toBeDefined();
    expect((await bodyOf(stream as Answer)).toString()).toBe('blob');
  });

  test('hg12 a status outside 200-599 fails as fetch fails, and the connection is closed at once', async () => {
    let closed = false;
    const base = await rawServer((socket) => {
      socket.on('close', () => (closed = true));
      socket.write('HTTP/1.1 999 Odd\r\nContent-Length: 100\r\n\r\n');
    });
    const error = await failure(httpFetch(base));
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error).cause)).toMatch(/unexpected HTTP status 999/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(true);
  });
});
