import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryLogger } from '../../src/logger.js';
import { RegistryClient } from '../../src/registry/client.js';
import { sha256Digest } from '../../src/registry/manifest.js';
import { defaultRetryPolicy } from '../../src/retry/index.js';
import { freePort, startRegistry, type TestRegistry } from '../support/registry.js';
import { pushImage, tinyImage } from './image-fixture.js';
import { moduleFailure as failure } from '../support/failure.js';

const UNAVAILABLE = '{"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]}';

/** A fetch that fails the first `times` matching requests as told, then passes them to the real one. */
function flaky(times: number, fail: () => Response | Error, matches: (method: string, url: string) => boolean) {
  let left = times;
  const seen: string[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const method = init?.method ?? 'GET';
    const url = String(input);
    if (left > 0 && matches(method, url)) {
      left--;
      seen.push(`${method} ${new URL(url).pathname}`);
      const outcome = fail();
      if (outcome instanceof Error) throw outcome;
      return outcome;
    }
    return fetch(input, init);
  };
  return { fetch: wrapped, seen };
}

let registry: TestRegistry;
const image = tinyImage({ note: 'retry' });

beforeAll(async () => {
  registry = await startRegistry();
  await pushImage(new RegistryClient({ registry: registry.host }), 'acme/retry', image, '1.0.0');
});

afterAll(async () => {
  await registry?.stop();
});

function client(
  fetchImpl: typeof fetch,
  logger: MemoryLogger,
  sleeps: number[],
  retry = defaultRetryPolicy({ baseDelayMs: 100 }),
) {
  return new RegistryClient({
    registry: registry.host,
    fetch: fetchImpl,
    logger,
    retry,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

const isManifestGet = (method: string, url: string) => method === 'GET' && url.includes('/manifests/');

describe('retries', () => {
  test('a 503 with Retry-After is retried after that delay, and told once', async () => {
    const logger = new MemoryLogger();
    const sleeps: number[] = [];
    const failing = flaky(
      1,
      () => new Response(UNAVAILABLE, { status: 503, headers: { 'retry-after': '2' } }),
      isManifestGet,
    );
    const manifest = await client(failing.fetch, logger, sleeps).getManifest('acme/retry', '1.0.0');
    expect(manifest.digest).toBe(image.digest);
    expect(sleeps).toEqual([2000]);
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual([
      `registry: HTTP 503 on GET ${registry.url}/v2/acme/retry/manifests/1.0.0; trying again (retry 1) in 2.0 s`,
    ]);
  });

  test('a reset connection is retried with backoff', async () => {
    const logger = new MemoryLogger();
    const sleeps: number[] = [];
    const reset = () =>
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
    const failing = flaky(2, reset, isManifestGet);
    expect((await client(failing.fetch, logger, sleeps).headManifest('acme/retry', '1.0.0'))?.digest).toBe(
      image.digest,
    );
    expect(sleeps).toHaveLength(0); // HEAD is not a GET: nothing failed
    const got = await client(failing.fetch, logger, sleeps).getManifest('acme/retry', '1.0.0');
    expect(got.digest).toBe(image.digest);
    expect(failing.seen).toHaveLength(2);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Infinity);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(/^registry: ECONNRESET on GET .*\/manifests\/1\.0\.0; trying again \(retry 1\)/),
      expect.stringMatching(/\(retry 2\)/),
    ]);
  });

  test('retries are bounded: a registry that keeps failing is registry-server-error with its code', async () => {
    const logger = new MemoryLogger();
    const sleeps: number[] = [];
    const failing = flaky(99, () => new Response(UNAVAILABLE, { status: 503 }), isManifestGet);
    const error = await failure(client(failing.fetch, logger, sleeps).getManifest('acme/retry', '1.0.0'));
    expect(error.code).toBe('registry-server-error');
    expect(error.kind).toBe('environment');
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain('UNAVAILABLE: service unavailable');
    expect(failing.seen).toHaveLength(5); // the first try and 4 retries
    expect(sleeps).toHaveLength(4);
  });

  test('a 429 asking for a long wait is not waited for', async () => {
    const logger = new MemoryLogger();
    const sleeps: number[] = [];
    const tooMany = () =>
      new Response('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', {
        status: 429,
        headers: { 'retry-after': '3600' },
      });
    const error = await failure(
      client(flaky(1, tooMany, isManifestGet).fetch, logger, sleeps).getManifest('acme/retry', '1.0.0'),
    );
    expect(error.code).toBe('registry-rate-limited');
    expect(error.message).toContain('TOOMANYREQUESTS');
    expect(sleeps).toEqual([]);
  });

  test('the retry hook decides: a policy that never retries fails at once', async () => {
    const sleeps: number[] = [];
    const failing = flaky(1, () => new Response(UNAVAILABLE, { status: 502 }), isManifestGet);
    const error = await failure(
      client(failing.fetch, new MemoryLogger(), sleeps, () => undefined).getManifest('acme/retry', '1.0.0'),
    );
    expect(error.code).toBe('registry-server-error');
    expect(sleeps).toEqual([]);
  });

  test('a streamed blob body is never sent twice', async () => {
    const sleeps: number[] = [];
    const bytes = Buffer.from('streamed once');
    const failing = flaky(
      1,
      () => new Response(UNAVAILABLE, { status: 503 }),
      (method) => method === 'PUT',
    );
    const upload = client(failing.fetch, new MemoryLogger(), sleeps).uploadBlob(
      'acme/retry',
      sha256Digest(bytes),
      Readable.from([bytes]),
      bytes.length,
    );
    expect((await failure(upload)).code).toBe('registry-server-error');
    expect(sleeps).toEqual([]);
  });
});

describe('unreachable registries', () => {
  test('nothing listening on the port is registry-unreachable naming the URL and what to check', async () => {
    const port = await freePort();
    const sleeps: number[] = [];
    const unreachable = new RegistryClient({
      registry: `127.0.0.1:${port}`,
      sleep: async (ms) => void sleeps.push(ms),
    });
    const error = await failure(unreachable.listTags('acme/retry'));
    expect(error.code).toBe('registry-unreachable');
    expect(error.kind).toBe('environment');
    expect(error.message).toBe(
      `registry at http://127.0.0.1:${port}/v2/acme/retry/tags/list is unreachable (ECONNREFUSED)`,
    );
    expect(error.hint).toContain(`listening on 127.0.0.1:${port}`);
    expect(sleeps).toEqual([]); // a refused connection is not retried
  });

  test('an unknown host name points at DNS', async () => {
    const notFound: typeof fetch = async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
      });
    };
    const error = await failure(new RegistryClient({ registry: 'registry.example.invalid', fetch: notFound }).ping());
    expect(error.code).toBe('registry-unreachable');
    expect(error.message).toBe('registry at https://registry.example.invalid/v2/ is unreachable (ENOTFOUND)');
    expect(error.hint).toContain('DNS');
  });

  test('https to a plain-http registry points at TLS and the explicit URL', async () => {
    const tls = new RegistryClient({ registry: registry.host, url: `https://${registry.host}` });
    const error = await failure(tls.ping());
    expect(error.code).toBe('registry-unreachable');
    expect(error.message).toMatch(/ERR_SSL|EPROTO/);
    expect(error.hint).toContain('http:// URL');
  });
});
