// Faults in the middle of an operation: a body cut off half-way, a token that runs out during an
// upload, an upload whose answer is lost after the registry stored the blob, an interrupt while
// waiting to retry. Each against a real registry, with the fault injected in the fetch.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryLogger } from '../../src/logger.js';
import { RegistryClient } from '../../src/registry/client.js';
import { copyImage } from '../../src/registry/copy.js';
import { sha256Digest } from '../../src/registry/manifest.js';
import { defaultRetryPolicy } from '../../src/retry/index.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { pushImage, tinyImage } from './image-fixture.js';
import { startTokenRegistry, type TokenRegistry } from './token-service.js';

const login = { username: 'uploader', password: 'restart-secret-9f3a1c' };
const fast = defaultRetryPolicy({ baseDelayMs: 5 });
let plain: TestRegistry;
let tokens: TokenRegistry;

beforeAll(async () => {
  [plain, tokens] = await Promise.all([startRegistry(), startTokenRegistry({ ...login, expired: (n) => n === 2 })]);
});
afterAll(async () => {
  await Promise.all([plain?.stop(), tokens?.stop()]);
});

const warnings = (logger: MemoryLogger) => logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);

/** A body that sends `keep` bytes of the real one and then breaks like a dropped connection. */
function cutOff(response: Response, keep: number): Response {
  const reader = response.body?.getReader();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader?.read();
      if (!next || next.done || sent >= keep) {
        await reader?.cancel().catch(() => {});
        controller.error(
          Object.assign(new TypeError('terminated'), {
            cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
          }),
        );
        return;
      }
      const part = next.value.subarray(0, keep - sent);
      sent += part.length;
      controller.enqueue(part);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

describe('a body cut off half-way', () => {
  test('a manifest GET is read again whole, and the retry is told once', async () => {
    const image = tinyImage({ note: 'cut manifest' });
    const setup = new RegistryClient({ registry: plain.host });
    await pushImage(setup, 'acme/cut', image, '1.0.0');
    let cuts = 1;
    const logger = new MemoryLogger();
    const client = new RegistryClient({
      registry: plain.host,
      logger,
      retry: fast,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        return (init?.method ?? 'GET') === 'GET' && String(input).includes('/manifests/') && cuts-- > 0
          ? cutOff(response, 40)
          : response;
      },
    });
    expect((await client.getManifest('acme/cut', '1.0.0')).digest).toBe(image.digest);
    expect(warnings(logger)).toEqual([
      expect.stringMatching(/^registry: UND_ERR_SOCKET on GET .*\/manifests\/1\.0\.0; trying again \(retry 1\)/),
    ]);
    expect(client.retries).toBe(1);
  });

  test('a blob streamed from the source and cut off is copied again from a new GET and a new POST', async () => {
    const image = tinyImage({ note: 'cut blob '.repeat(400) });
    await pushImage(new RegistryClient({ registry: plain.host }), 'staging/cutblob', image, '1.0.0');
    const target = await startRegistry();
    try {
      let cuts = 1;
      const posts: string[] = [];
      const logger = new MemoryLogger();
      const source = new RegistryClient({
        registry: plain.host,
        retry: fast,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          return String(input).includes(`/blobs/${image.layer.descriptor.digest}`) &&
            (init?.method ?? 'GET') === 'GET' &&
            cuts-- > 0
            ? cutOff(response, 100)
            : response;
        },
      });
      const destination = new RegistryClient({
        registry: target.host,
        retry: fast,
        logger,
        fetch: (input, init) => {
          if (init?.method === 'POST') posts.push(new URL(String(input)).pathname);
          return fetch(input, init);
        },
      });
      const result = await copyImage({
        from: { client: source, repository: 'staging/cutblob', ref: '1.0.0' },
        to: { client: destination, repository: 'prod/cutblob' },
      });
      expect(result.digest).toBe(image.digest);
      expect(posts).toHaveLength(3); // config once, the layer twice
      expect(warnings(logger)).toEqual([
        expect.stringMatching(/UND_ERR_SOCKET during copy of blob .*; starting it over; trying again \(retry 1\)/),
      ]);
      expect(
        (await new RegistryClient({ registry: target.host }).headManifest('prod/cutblob', image.digest))?.digest,
      ).toBe(image.digest);
    } finally {
      await target.stop();
    }
  });
});

describe('restartable uploads', () => {
  test("a streamed PUT answered 503 is started over from a new POST after the policy's wait; the failed session is not reused", async () => {
    const image = tinyImage({ note: 'restart 503' });
    await pushImage(new RegistryClient({ registry: plain.host }), 'staging/r503', image, '1.0.0');
    const target = await startRegistry();
    try {
      let failures = 2;
      const puts: string[] = [];
      const sleeps: number[] = [];
      const logger = new MemoryLogger();
      const destination = new RegistryClient({
        registry: target.host,
        logger,
        retry: fast,
        sleep: async (ms) => void sleeps.push(ms),
        fetch: async (input, init) => {
          if (init?.method === 'PUT' && String(input).includes('/blobs/uploads/')) {
            puts.push(new URL(String(input)).pathname);
            if (String(input).includes(image.layer.descriptor.digest.slice(7)) && failures-- > 0) {
              await fetch(input, { ...init, method: 'DELETE', body: null }).catch(() => undefined); // the session dies with the failure
              return new Response('{"errors":[{"code":"UNAVAILABLE"}]}', {
                status: 503,
                headers: { 'retry-after': '0' },
              });
            }
          }
          return fetch(input, init);
        },
      });
      const source = new RegistryClient({ registry: plain.host });
      const result = await copyImage({
        from: { client: source, repository: 'staging/r503', ref: '1.0.0' },
        to: { client: destination, repository: 'prod/r503' },
      });
      expect(result.digest).toBe(image.digest);
      expect(result.blobs.uploaded).toBe(2);
      expect(new Set(puts).size).toBe(puts.length); // every try had its own upload session
      expect(sleeps).toEqual([0, 0]); // Retry-After: 0 honoured
      expect(warnings(logger)).toHaveLength(2);
      expect(destination.retries).toBe(2);
    } finally {
      await target.stop();
    }
  });

  test('a Buffer upload whose answer is lost after the registry stored it is started over and finds the blob there', async () => {
    const bytes = Buffer.from(`stored but unanswered ${Date.now()}`);
    const digest = sha256Digest(bytes);
    let lost = 1;
    const logger = new MemoryLogger();
    const client = new RegistryClient({
      registry: plain.host,
      logger,
      retry: fast,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method === 'PUT' && String(input).includes('/blobs/uploads/') && lost-- > 0) {
          await response.body?.cancel();
          throw Object.assign(new TypeError('fetch failed'), {
            cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
          });
        }
        return response;
      },
    });
    // The PUT is tried again on the same session (gone: 404), then the upload starts over: HEAD says it is there.
    expect(await client.uploadBlob('acme/lost', digest, bytes, bytes.length)).toBe('exists');
    expect(warnings(logger)).toEqual([
      expect.stringMatching(/^registry: ECONNRESET on PUT .*\/blobs\/uploads\/.*; trying again \(retry 1\)/),
      expect.stringMatching(
        /^registry: HTTP 404 during upload of acme\/lost@sha256:.*; starting it over; trying again \(retry 1\)/,
      ),
    ]);
    expect((await client.headBlob('acme/lost', digest))?.size).toBe(bytes.length);
  });
});

describe('tokens that run out mid-operation', () => {
  test('a 401 on a request that carried a token: the token is dropped, a new one fetched, the request sent once more', async () => {
    const image = tinyImage({ note: 'expired token' });
    const client = new RegistryClient({ registry: tokens.registry.host, credentials: login, retry: fast });
    const before = tokens.requests.length;
    expect(await client.listTags('acme/tokens')).toEqual([]); // token 1 (pull): good
    await pushImage(client, 'acme/tokens', image, '1.0.0'); // token 2 (pull,push) is refused, token 3 is good
    expect((await client.getManifest('acme/tokens', '1.0.0')).digest).toBe(image.digest);
    expect(tokens.requests.length - before, JSON.stringify(tokens.requests.slice(before))).toBe(3);
  });

  test('a cached token the registry stops taking half-way through is replaced once; a second refusal is final', async () => {
    let issued = 0;
    let refuseFrom = Infinity;
    let served = 0;
    let refuseAll = false;
    const sent: string[] = [];
    const scripted: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const authorization = new Headers(init?.headers).get('authorization') ?? '';
      sent.push(`${url.pathname} ${authorization}`);
      if (url.pathname === '/token') return Response.json({ token: `t${++issued}`, expires_in: 3600 });
      const challenge = { 'www-authenticate': 'Bearer realm="http://127.0.0.1:9/token",service="s"' };
      if (!authorization || (authorization === 'Bearer t1' && ++served > refuseFrom))
        return new Response('', { status: 401, headers: challenge });
      if (refuseAll) return new Response('', { status: 401, headers: challenge });
      return new Response('{"name":"a/b","tags":["1"]}', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    const client = new RegistryClient({
      registry: '127.0.0.1:9',
      credentials: { username: 'u', password: 'p' },
      fetch: scripted,
    });
    expect(await client.listTags('a/b')).toEqual(['1']);
    expect(await client.listTags('a/b')).toEqual(['1']); // the cached t1, no new token
    expect(issued).toBe(1);
    refuseFrom = served; // t1 "expires" now
    expect(await client.listTags('a/b')).toEqual(['1']);
    expect(issued).toBe(2);
    expect(sent.slice(-3)).toEqual(['/v2/a/b/tags/list Bearer t1', '/token Basic dTpw', '/v2/a/b/tags/list Bearer t2']);
    refuseAll = true;
    const requests = sent.length;
    await expect(client.listTags('a/b')).rejects.toMatchObject({ code: 'registry-denied' });
    expect(sent.length - requests).toBe(3); // t2 refused, one new token, refused again: no loop
  });

  test('a token refused during a streamed upload: the upload starts over with a new token, at once', async () => {
    const image = tinyImage({ note: 'token expires during the upload' });
    await pushImage(new RegistryClient({ registry: plain.host }), 'staging/tok', image, '1.0.0');
    let spoil = 1;
    const logger = new MemoryLogger();
    const sleeps: number[] = [];
    const destination = new RegistryClient({
      registry: tokens.registry.host,
      credentials: login,
      logger,
      retry: fast,
      sleep: async (ms) => void sleeps.push(ms),
      fetch: (input, init) => {
        if (init?.method === 'PUT' && String(input).includes('/blobs/uploads/') && spoil-- > 0) {
          // As the registry sees a token that ran out while the layer was on its way.
          return fetch(input, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), Authorization: 'Bearer expired.expired.expired' },
          });
        }
        return fetch(input, init);
      },
    });
    const asked = tokens.requests.length;
    const result = await copyImage({
      from: { client: new RegistryClient({ registry: plain.host }), repository: 'staging/tok', ref: '1.0.0' },
      to: { client: destination, repository: 'prod/tok' },
    });
    expect(result.digest).toBe(image.digest);
    expect(sleeps).toEqual([0]);
    expect(warnings(logger)).toEqual([
      expect.stringMatching(/token refused \(expired\) during copy of blob sha256:.*; starting it over/),
    ]);
    expect(tokens.requests.length).toBeGreaterThan(asked);
    expect(JSON.stringify(logger.lines)).not.toContain(login.password);
  });
});

describe('interrupts', () => {
  test('an abort ends a wait between retries at once and fails as interrupted, naming the request', async () => {
    const controller = new AbortController();
    const client = new RegistryClient({
      registry: plain.host,
      signal: controller.signal,
      retry: defaultRetryPolicy({ baseDelayMs: 60_000, maxDelayMs: 60_000 }),
      fetch: async () => new Response('', { status: 503 }),
    });
    const started = Date.now();
    const pending = client.listTags('acme/never');
    setTimeout(() => controller.abort('SIGTERM'), 50);
    await expect(pending).rejects.toMatchObject({
      code: 'interrupted',
      message: expect.stringMatching(/^interrupted \(SIGTERM\) during GET http:.*\/tags\/list$/),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a deadline says "timed out"; a manifest PUT already on its way is not cut', async () => {
    const image = tinyImage({ note: 'deadline' });
    const setup = new RegistryClient({ registry: plain.host });
    await pushImage(setup, 'acme/deadline', image);
    const signal = AbortSignal.timeout(100);
    const slow = new RegistryClient({
      registry: plain.host,
      signal,
      fetch: async (input, init) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return fetch(input, init);
      },
    });
    expect(await slow.putManifest('acme/deadline', '1.0.0', image.manifest, image.mediaType)).toBe(image.digest);
    await expect(slow.headManifest('acme/deadline', '1.0.0')).rejects.toMatchObject({
      code: 'interrupted',
      message: expect.stringMatching(/^timed out during HEAD manifest/),
    });
  });

  test('a stream body is still never sent twice by the transport', async () => {
    const bytes = Buffer.from('once');
    const client = new RegistryClient({
      registry: plain.host,
      retry: fast,
      fetch: async (input, init) => (init?.method === 'PUT' ? new Response('', { status: 503 }) : fetch(input, init)),
    });
    await expect(
      client.uploadBlob('acme/once', sha256Digest(bytes), Readable.from([bytes]), bytes.length),
    ).rejects.toMatchObject({ code: 'registry-server-error' });
  });
});
