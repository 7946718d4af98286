// The engine's push, retried when it fails for a passing reason: first a table of the failures an
// engine reports in its progress stream (a scripted engine: the stream is what dockerode reads),
// then the real engine pushing through a proxy that fails its manifest PUT.
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { pushTag } from '../../src/engine/push.js';
import { publish } from '../../src/pipeline/publish.js';
import { MemoryLogger } from '../../src/logger.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { tagsAt, tinyModule, untagPushed } from './support.js';

const host = inject('registryHost');
const DIGEST = `sha256:${'a'.repeat(64)}`;
const proxies: FaultProxy[] = [];

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await untagPushed(proxies.map((p) => `${p.host}/`));
});

/** An engine whose pushes report `failures` in turn (one per push), then succeed. */
function scriptedEngine(failures: string[]) {
  let pushes = 0;
  const real = new Docker();
  const engine = {
    modem: real.modem,
    getImage: () => ({
      push: async () => {
        const failure = failures[pushes++];
        const lines =
          failure === undefined
            ? [{ status: 'Pushed', id: 'abc' }, { aux: { Tag: '1.0.0', Digest: DIGEST, Size: 528 } }]
            : [
                { status: 'Preparing', id: 'abc' },
                { errorDetail: { message: failure }, error: failure },
              ];
        return Readable.from(lines.map((l) => `${JSON.stringify(l)}\n`));
      },
    }),
  };
  return { docker: engine as unknown as Docker, pushes: () => pushes };
}

describe('engine push retries', () => {
  test.each([
    ['pr01 a 503', 'received unexpected HTTP status: 503 Service Unavailable', true],
    ['pr02 a 429 with the registry code', 'toomanyrequests: You have reached your pull rate limit', true],
    ['pr03 a 500', 'received unexpected HTTP status: 500 Internal Server Error', true],
    ['pr04 a connection cut short', 'Put "http://127.0.0.1:5000/v2/acme/blur/manifests/1.0.0": EOF', true],
    ['pr05 a reset', 'read tcp 127.0.0.1:40000->127.0.0.1:5000: read: connection reset by peer', true],
    ['pr06 a lost upload session', 'blob upload unknown: blob upload unknown to registry', true],
    ['pr07 a timeout', 'net/http: TLS handshake timeout', true],
    ['pr08 no login', 'unauthorized: authentication required', false],
    ['pr09 no access', 'denied: requested access to the resource is denied', false],
    ['pr10 a manifest the registry refuses', 'manifest invalid: manifest invalid', false],
    ['pr11 nothing listening', 'dial tcp 127.0.0.1:5000: connect: connection refused', false],
  ])('%s: retried %s', async (_name, message, retried) => {
    const engine = scriptedEngine([message]);
    const told: string[] = [];
    const pushing = pushTag(engine.docker, '127.0.0.1:5000/acme/blur', '1.0.0', {
      baseDelayMs: 1,
      onRetry: (m) => told.push(m),
    });
    if (retried) {
      expect(await pushing).toBe(DIGEST);
      expect(engine.pushes()).toBe(2);
      expect(told).toEqual([
        expect.stringMatching(
          /^pushing 127\.0\.0\.1:5000\/acme\/blur:1\.0\.0 failed \(.+\); trying again \(retry 1\) in 0\.0 s$/,
        ),
      ]);
    } else {
      await expect(pushing).rejects.toMatchObject({
        code: /unauthorized|denied/.test(message) ? 'registry-auth' : 'push-failed',
      });
      expect(engine.pushes()).toBe(1);
      expect(told).toEqual([]);
    }
  });

  test('bounded: a registry that keeps failing gets `attempts` pushes, then a clear push-failed naming the tries', async () => {
    const engine = scriptedEngine(Array.from({ length: 10 }, () => 'received unexpected HTTP status: 502 Bad Gateway'));
    const error = await pushTag(engine.docker, 'r.example/acme/blur', '1.0.0', { attempts: 3, baseDelayMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(engine.pushes()).toBe(3);
    expect(error).toMatchObject({
      code: 'push-failed',
      kind: 'environment',
      message: 'pushing r.example/acme/blur:1.0.0 failed (3 tries): received unexpected HTTP status: 502 Bad Gateway',
    });
    expect((error as { hint: string }).hint).toContain('no floating tag was moved');
  });

  test('a password the engine echoes is scrubbed, in plain and base64 forms', async () => {
    const password = 'engine-echo-7c1f';
    const basic = Buffer.from(`ci:${password}`).toString('base64');
    const engine = scriptedEngine([`denied: ${password} / Basic ${basic}`]);
    const error = await pushTag(engine.docker, 'r.example/a/b', '1', {
      auth: { username: 'ci', password, serveraddress: 'r.example' },
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^pushing r\.example\/a\/b:1 failed: denied: \*\*\* \/ Basic \*\*\*$/);
  });
});

describe('the real engine through a failing proxy', () => {
  test('its manifest PUT answered 503 once: the push is run again and publish completes', async () => {
    let failed = 0;
    const proxy = await startFaultProxy({
      target: host,
      rate: 0,
      seed: 5,
      decide: (r) =>
        r.engine && r.method === 'PUT' && r.path.includes('/manifests/') && failed++ === 0 ? '503' : undefined,
    });
    proxies.push(proxy);
    const logger = new MemoryLogger();
    const result = await publish({
      image: `${proxy.host}/pushretry/a`,
      version: '1.0.0',
      source: await tinyModule('1.0.0'),
      skipValidate: true,
      logger,
      retry: { baseDelayMs: 20 },
      pusher: 'engine',
    });
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^pushing .*pushretry\/a:1\.0\.0 failed \(.*503.*\); trying again \(retry 1\)/),
    );
    expect(result.retries).toBeGreaterThanOrEqual(1);
    expect(await tagsAt(host, 'pushretry/a', ['1.0.0', 'latest'])).toEqual({
      '1.0.0': result.digest,
      latest: result.digest,
    });
  });

  test('its manifest PUT landed but the answer was lost: the registry is asked, and the push is not repeated', async () => {
    let manifestPuts = 0;
    const proxy = await startFaultProxy({
      target: host,
      rate: 0,
      seed: 6,
      decide: (r) =>
        r.engine && r.method === 'PUT' && r.path.includes('/manifests/') && manifestPuts++ === 0
          ? 'drop-after'
          : undefined,
    });
    proxies.push(proxy);
    const logger = new MemoryLogger();
    const result = await publish({
      image: `${proxy.host}/pushretry/b`,
      version: '1.0.0',
      source: await tinyModule('1.0.0'),
      skipValidate: true,
      logger,
      pusher: 'engine',
    });
    expect(manifestPuts).toBe(1);
    expect(logger.lines.filter((l) => /^pushing .* failed/.test(l.message))).toEqual([]);
    expect(await tagsAt(host, 'pushretry/b', ['1.0.0', '1', 'latest'])).toEqual({
      '1.0.0': result.digest,
      '1': result.digest,
      latest: result.digest,
    });
  });
});
