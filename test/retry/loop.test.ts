import { describe, expect, test } from 'vitest';
import { answerWaitMs, defaultRetryPolicy, retrying, type RetryPolicy, type Transient } from '../../src/retry/index.js';

const NOW = 1_750_000_000_000;

describe('answerWaitMs', () => {
  test.each([
    ['aw01 Retry-After seconds on a 503', 503, { 'retry-after': '7' }, 7000],
    ['aw02 X-Retry-After unix time on a 429', 429, { 'x-retry-after': String(NOW / 1000 + 5) }, 5000],
    [
      'aw03 a 429 with only X-RateLimit-Reset waits until the reset',
      429,
      { 'x-ratelimit-reset': String(NOW / 1000 + 9) },
      9000,
    ],
    [
      'aw04 X-RateLimit-Reset on a 503 is no wait asked for',
      503,
      { 'x-ratelimit-reset': String(NOW / 1000 + 9) },
      undefined,
    ],
    [
      'aw05 Retry-After wins over X-RateLimit-Reset',
      429,
      { 'retry-after': '2', 'x-ratelimit-reset': String(NOW / 1000 + 9) },
      2000,
    ],
    ['aw06 nothing named', 429, {}, undefined],
  ])('%s', (_name, status, headers, expected) => {
    expect(answerWaitMs(status, new Headers(headers), NOW)).toBe(expected);
  });
});

describe('retrying (the one retry loop)', () => {
  const everyTime: RetryPolicy = (failure) => (failure.attempt <= 3 ? 100 * failure.attempt : undefined);
  const transient: Transient = { why: 'HTTP 503 on GET x' };

  function run(policy: RetryPolicy, failures: number, options: { maxAttempts?: number; signal?: AbortSignal } = {}) {
    const sleeps: number[] = [];
    const told: string[] = [];
    let tries = 0;
    const result = retrying(
      {
        retry: policy,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      {
        method: 'GET',
        url: 'x',
        what: 'GET x',
        judge: (error) => (error instanceof Error && error.message === 'passing' ? transient : undefined),
        tell: (message) => told.push(message),
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      },
      () => {
        tries++;
        return tries <= failures ? Promise.reject(new Error('passing')) : Promise.resolve('done');
      },
    );
    return { result, sleeps, told, tries: () => tries };
  }

  test('lp01 transient failures are tried again as the policy says, each told once', async () => {
    const { result, sleeps, told } = run(everyTime, 2);
    await expect(result).resolves.toBe('done');
    expect(sleeps).toEqual([100, 200]);
    expect(told).toEqual([
      'HTTP 503 on GET x; trying again (retry 1) in 0.1 s',
      'HTTP 503 on GET x; trying again (retry 2) in 0.2 s',
    ]);
  });

  test('lp02 the policy gives up: the last error is thrown', async () => {
    const { result, tries } = run(everyTime, 10);
    await expect(result).rejects.toThrow('passing');
    expect(tries()).toBe(4);
  });

  test('lp03 maxAttempts bounds the tries whatever the policy says', async () => {
    const { result, tries } = run(() => 1, 10, { maxAttempts: 2 });
    await expect(result).rejects.toThrow('passing');
    expect(tries()).toBe(2);
  });

  test('lp04 an aborted signal starts no try: ModuleError interrupted', async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    const { result, tries } = run(everyTime, 0, { signal: controller.signal });
    await expect(result).rejects.toMatchObject({ code: 'interrupted', message: 'interrupted (SIGINT) during GET x' });
    expect(tries()).toBe(0);
  });
});

describe('defaultRetryPolicy jitter comes from the random source it is given', () => {
  const failure = (attempt: number) => ({ attempt, method: 'GET', url: 'http://127.0.0.1/v2/' });
  test.each([
    ['rp01 the lowest draw waits half the ceiling', 0, [250, 500, 1000, 2000]],
    ['rp02 a middle draw', 0.5, [375, 750, 1500, 3000]],
    ['rp03 the highest draw waits (almost) the ceiling', 0.999, [500, 1000, 1999, 3998]],
  ])('%s', (_name, draw, delays) => {
    const policy = defaultRetryPolicy({ random: () => draw });
    expect([1, 2, 3, 4].map((attempt) => policy(failure(attempt)))).toEqual(delays);
  });

  test('rp04 the same seeded source gives the same delays on every run', () => {
    const seeded = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = (seed: number) => {
      const policy = defaultRetryPolicy({ random: seeded(seed) });
      return [1, 2, 3, 4].map((attempt) => policy(failure(attempt)));
    };
    expect(delays(7)).toEqual(delays(7));
    expect(delays(7)).not.toEqual(delays(8));
  });
});
