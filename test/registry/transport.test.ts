import { describe, expect, test } from 'vitest';
import { nextLink } from '../../src/registry/client.js';
import { defaultRetryPolicy, networkCode, parseRetryAfter } from '../../src/retry/index.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test.each([
    ['ra01 seconds', { 'retry-after': '3' }, 3000],
    ['ra02 HTTP date', { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 5000],
    ['ra03 date in the past', { 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, 0],
    ['ra04 Docker Hub X-Retry-After (unix time)', { 'x-retry-after': String(now / 1000 + 7) }, 7000],
    ['ra05 none', {}, undefined],
    ['ra06 garbage', { 'retry-after': 'soon' }, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });
});

describe('defaultRetryPolicy', () => {
  const policy = defaultRetryPolicy({ retries: 2, baseDelayMs: 100, maxDelayMs: 1000 });
  const failure = { method: 'GET', url: 'http://127.0.0.1:1/v2/', status: 503 };
  test('backs off with jitter in the upper half of base * 2^n, then gives up after the bounded number of retries', () => {
    for (let i = 0; i < 50; i++) {
      const first = policy({ ...failure, attempt: 1 }) ?? -1;
      const second = policy({ ...failure, attempt: 2 }) ?? -1;
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      expect(second).toBeGreaterThanOrEqual(100);
      expect(second).toBeLessThanOrEqual(200);
    }
    expect(policy({ ...failure, attempt: 3 })).toBeUndefined();
  });
  test('the jitter spreads clients that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => policy({ ...failure, attempt: 2 })));
    expect(delays.size).toBeGreaterThan(5);
  });
  test('waits as long as Retry-After asks while that stays small, and gives up when it does not', () => {
    expect(policy({ ...failure, attempt: 1, retryAfterMs: 700 })).toBe(700);
    expect(policy({ ...failure, attempt: 1, retryAfterMs: 60_000 })).toBeUndefined();
  });
  test('no single wait is longer than maxDelayMs', () => {
    const long = defaultRetryPolicy({ retries: 20, baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 1e9 });
    expect(long({ ...failure, attempt: 15 })).toBeLessThanOrEqual(1000);
  });
  test('bounded in time: no retry once the time since the first try plus the wait passes maxElapsedMs', () => {
    const timed = defaultRetryPolicy({ retries: 10, baseDelayMs: 100, maxElapsedMs: 5000 });
    expect(timed({ ...failure, attempt: 1, elapsedMs: 1000 })).toBeDefined();
    expect(timed({ ...failure, attempt: 1, elapsedMs: 4990 })).toBeUndefined();
    expect(timed({ ...failure, attempt: 1, elapsedMs: 2000, retryAfterMs: 4000 })).toBeUndefined();
  });
  test('defaults: 4 retries, each below 30 s, the whole within 90 s', () => {
    const fallback = defaultRetryPolicy();
    expect(fallback({ ...failure, attempt: 4 })).toBeDefined();
    expect(fallback({ ...failure, attempt: 5 })).toBeUndefined();
    expect(fallback({ ...failure, attempt: 1, retryAfterMs: 31_000 })).toBeUndefined();
    expect(fallback({ ...failure, attempt: 1, elapsedMs: 89_900 })).toBeUndefined();
  });
});

describe('networkCode', () => {
  test.each([
    [
      'nc01 fetch failure with a code',
      Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
      'ECONNREFUSED',
    ],
    [
      'nc02 code inside an AggregateError',
      Object.assign(new TypeError('fetch failed'), {
        cause: new AggregateError([Object.assign(new Error('y'), { code: 'EHOSTUNREACH' })]),
      }),
      'EHOSTUNREACH',
    ],
    [
      'nc03 fetch failure without a code',
      Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') }),
      'FETCH_FAILED',
    ],
    [
      'nc04 a socket error thrown as is',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'ECONNRESET',
    ],
    ['nc05 a bug is not a network failure', new RangeError('oops'), undefined],
    [
      'nc06 a body cut off half-way (undici)',
      Object.assign(new TypeError('terminated'), {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
      'UND_ERR_SOCKET',
    ],
    ['nc07 a body cut off without a code', new TypeError('terminated'), 'TERMINATED'],
    [
      'nc08 undici socket error thrown as is',
      Object.assign(new Error('closed'), { code: 'UND_ERR_SOCKET' }),
      'UND_ERR_SOCKET',
    ],
  ])('%s', (_name, error, expected) => {
    expect(networkCode(error)).toBe(expected);
  });
});

describe('nextLink', () => {
  test.each([
    [
      'ln01 distribution 3 tags page',
      '</v2/acme/blur/tags/list?last=b&n=2>; rel="next"',
      '/v2/acme/blur/tags/list?last=b&n=2',
    ],
    [
      'ln02 unquoted rel, absolute URL',
      '<https://r.example/v2/a/tags/list?last=x>;rel=next',
      'https://r.example/v2/a/tags/list?last=x',
    ],
    [
      'ln03 next among other relations',
      '</first>; rel="first", </v2/a/tags/list?last=q>; rel="next"',
      '/v2/a/tags/list?last=q',
    ],
    ['ln04 no next', '</v2/a/tags/list>; rel="prev"', undefined],
    ['ln05 no header', null, undefined],
  ])('%s', (_name, header, expected) => {
    expect(nextLink(header)).toBe(expected);
  });
});
