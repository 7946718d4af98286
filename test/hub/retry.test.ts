import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultRetryPolicy } from '../../src/retry/index.js';
import { freePort } from '../support/registry.js';
import { startHubServer, type HubServer } from '../support/hub-server.js';
import { failure, fakeSecret, fakeTime, hubClient, lines, requestsSince } from './hub-fixture.js';

const secret = fakeSecret();
const START = 1_750_000_000_000; // a whole second, so unix-second headers convert exactly
let clock: ReturnType<typeof fakeTime>;
let server: HubServer;

beforeAll(async () => {
  clock = fakeTime(START);
  server = await startHubServer({
    users: [{ username: 'mmkbot', secrets: [secret], organizations: ['acme'] }],
    repositories: [{ namespace: 'acme', name: 'blur', isPrivate: true }],
    rateLimit: 180,
    now: clock.now,
  });
});

afterAll(async () => {
  await server?.close();
});

function setup(options: Parameters<typeof hubClient>[2] = {}) {
  clock.time.sleeps = [];
  return hubClient(server, clock, { credentials: { username: 'mmkbot', password: secret }, ...options });
}

const unix = () => Math.floor(clock.time.now / 1000);
const warnings = (logger: { lines: { level: string; message: string }[] }) =>
  logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);

describe('429 from Docker Hub', () => {
  test('X-Retry-After 5 s ahead: waits exactly until then, tells it once, and succeeds', async () => {
    const { client, logger } = setup();
    await client.login();
    server.failNext(1, { status: 429, retryAfter: unix() + 5 });
    const mark = server.state.requests.length;
    expect((await client.getRepository('acme', 'blur'))?.isPrivate).toBe(true);
    expect(clock.time.sleeps).toEqual([5000]);
    expect(lines(requestsSince(server, mark))).toEqual([
      'GET /v2/namespaces/acme/repositories/blur -> 429',
      'GET /v2/namespaces/acme/repositories/blur -> 200',
    ]);
    expect(warnings(logger)).toEqual([
      `Docker Hub: rate limit (HTTP 429) on GET ${server.url}/v2/namespaces/acme/repositories/blur; trying again (retry 1) in 5.0 s`,
    ]);
  });

  test('Retry-After in seconds (the newer documented form) is honoured the same way', async () => {
    const { client } = setup();
    await client.login();
    server.failNext(1, { status: 429, retryAfterSeconds: 7 });
    expect((await client.getRepository('acme', 'blur'))?.name).toBe('blur');
    expect(clock.time.sleeps).toEqual([7000]);
    server.failNext(1, { status: 429, retryAfterSeconds: 600 });
    const error = await failure(client.getRepository('acme', 'blur'));
    expect(error.code).toBe('hub-rate-limited');
    expect(error.message).toContain('(in 600 s)');
  });

  test('a wait at the bound (60 s) is still waited for', async () => {
    const { client } = setup();
    await client.login();
    server.failNext(1, { status: 429, retryAfter: unix() + 60 });
    await client.getRepository('acme', 'blur');
    expect(clock.time.sleeps).toEqual([60_000]);
  });

  test('X-Retry-After an hour ahead: hub-rate-limited at once, saying when to retry', async () => {
    const { client, logger } = setup();
    await client.login();
    const until = unix() + 3600;
    server.failNext(1, { status: 429, retryAfter: until });
    const mark = server.state.requests.length;
    const error = await failure(client.getRepository('acme', 'blur'));
    expect(error.code).toBe('hub-rate-limited');
    expect(error.kind).toBe('environment');
    const when = new Date(until * 1000).toISOString();
    expect(error.message).toBe(
      `Docker Hub rate limit reached on read repository acme/blur: it accepts requests again at ${when} (in 3600 s)`,
    );
    expect(error.hint).toBe(`Run again after ${when}.`);
    expect(clock.time.sleeps).toEqual([]);
    expect(requestsSince(server, mark)).toHaveLength(1);
    expect(warnings(logger)).toEqual([]);
  });

  test("the bound is the client's, whatever the retry policy would wait", async () => {
    const patient = (failed: { attempt: number; retryAfterMs?: number | undefined }) =>
      failed.attempt <= 3 ? (failed.retryAfterMs ?? 0) : undefined;
    const { client } = setup({ retry: patient, maxRateLimitWaitMs: 10_000 });
    await client.login();
    server.failNext(1, { status: 429, retryAfter: unix() + 11 });
    expect((await failure(client.getRepository('acme', 'blur'))).code).toBe('hub-rate-limited');
    server.failNext(1, { status: 429, retryAfter: unix() + 10 });
    expect((await client.getRepository('acme', 'blur'))?.name).toBe('blur');
    expect(clock.time.sleeps).toEqual([10_000]);
  });

  test("the stand-in's own limit: 429 with X-Retry-After at the period reset is honoured when near", async () => {
    clock.time.now = START + 10 * 60_000; // the stand-in's minute starts now, on a whole second
    const small = await startHubServer({
      users: [{ username: 'mmkbot', secrets: [secret] }],
      rateLimit: 2,
      now: clock.now,
    });
    try {
      const { client } = hubClient(small, clock, {
        credentials: { username: 'mmkbot', password: secret },
        url: small.url,
      });
      clock.time.sleeps = [];
      await client.login(); // request 1 of 2
      expect(await client.getRepository('mmkbot', 'none')).toBeUndefined(); // 2 of 2
      expect(client.rateLimit).toEqual({ limit: 2, remaining: 0, resetAt: clock.time.now + 60_000 });
      expect(await client.getRepository('mmkbot', 'none')).toBeUndefined(); // 429, waits for the reset, then 404
      expect(clock.time.sleeps).toEqual([60_000]);
      expect(lines(small.state.requests).slice(-2)).toEqual([
        'GET /v2/namespaces/mmkbot/repositories/none -> 429',
        'GET /v2/namespaces/mmkbot/repositories/none -> 404',
      ]);
    } finally {
      await small.close();
    }
  });

  test('Ctrl-C during a 429 wait ends the wait: interrupted, and no request after it', async () => {
    const controller = new AbortController();
    const told: string[] = [];
    // The real timer (no fake sleep): the 30 s wait must end because of the signal, not the clock.
    const { client } = setup({
      sleep: undefined,
      signal: controller.signal,
      logger: {
        debug() {},
        info() {},
        warn(message: string) {
          told.push(message);
          setImmediate(() => controller.abort('SIGINT'));
        },
        step: () => ({ done() {} }),
      },
    });
    await client.login();
    server.failNext(1, { status: 429, retryAfter: unix() + 30 });
    const mark = server.state.requests.length;
    const error = await failure(client.getRepository('acme', 'blur'));
    expect(error.code).toBe('interrupted');
    expect(error.message).toBe(`interrupted (SIGINT) during GET ${server.url}/v2/namespaces/acme/repositories/blur`);
    expect(told).toHaveLength(1);
    expect(lines(requestsSince(server, mark))).toEqual(['GET /v2/namespaces/acme/repositories/blur -> 429']);
  });

  test('X-RateLimit-* headers are read from every answer', async () => {
    const { client } = setup();
    await client.getRepository('acme', 'blur');
    expect(client.rateLimit?.limit).toBe(180);
    expect(client.rateLimit?.remaining).toBeGreaterThan(0);
    expect(client.rateLimit?.resetAt).toBeGreaterThan(clock.time.now);
  });
});

describe('5xx from Docker Hub', () => {
  test('500 twice then OK: succeeds after 2 retries with backoff, each told once', async () => {
    const { client, logger } = setup();
    await client.login();
    server.failNext(2, { status: 500 });
    const mark = server.state.requests.length;
    expect((await client.getRepository('acme', 'blur'))?.name).toBe('blur');
    expect(lines(requestsSince(server, mark))).toEqual([
      'GET /v2/namespaces/acme/repositories/blur -> 500',
      'GET /v2/namespaces/acme/repositories/blur -> 500',
      'GET /v2/namespaces/acme/repositories/blur -> 200',
    ]);
    const told = warnings(logger);
    expect(told).toHaveLength(2);
    expect(told[0]).toMatch(
      /^Docker Hub: HTTP 500 on GET http:\/\/127\.0\.0\.1:\d+\/v2\/namespaces\/acme\/repositories\/blur; trying again \(retry 1\) in \d\.\d s$/,
    );
    expect(told[1]).toContain('(retry 2)');
    expect(clock.time.sleeps).toHaveLength(2);
    expect(clock.time.sleeps[1]).toBeGreaterThan(clock.time.sleeps[0] ?? Infinity); // backoff grows
    expect(told.join('\n')).not.toContain(secret);
  });

  test("500 on every try: hub-server-error after the policy's retries", async () => {
    const { client, logger } = setup({ retry: defaultRetryPolicy({ retries: 2, baseDelayMs: 10 }) });
    await client.login();
    server.failNext(3, { status: 503 });
    const error = await failure(client.getRepository('acme', 'blur'));
    expect(error.code).toBe('hub-server-error');
    expect(error.message).toBe('Docker Hub answered HTTP 503 to read repository acme/blur (Hub said: internal error)');
    expect(warnings(logger)).toHaveLength(2);
  });
});

describe('no connection', () => {
  test('hub-unreachable names the URL', async () => {
    const port = await freePort();
    const { client } = setup({ url: `http://127.0.0.1:${port}` });
    const error = await failure(client.login());
    expect(error.code).toBe('hub-unreachable');
    expect(error.kind).toBe('environment');
    expect(error.message).toBe(`Docker Hub at http://127.0.0.1:${port}/v2/auth/token is unreachable (ECONNREFUSED)`);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(error.stack).not.toContain(secret);
  });
});
