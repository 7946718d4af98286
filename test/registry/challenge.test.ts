import { describe, expect, test } from 'vitest';
import { parseChallenges } from '../../src/registry/challenge.js';

describe('parseChallenges', () => {
  test.each([
    [
      'ch01 Docker Hub, as in the token spec',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:samalba/my-app:pull,push',
          },
        },
      ],
    ],
    ['ch02 distribution 2.8 htpasswd', 'Basic realm="mmk-test"', [{ scheme: 'basic', params: { realm: 'mmk-test' } }]],
    [
      'ch03 insufficient scope with error',
      'Bearer realm="http://127.0.0.1:9/token",service="svc",scope="repository:a/b:pull,push repository:c/d:pull",error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'http://127.0.0.1:9/token',
            service: 'svc',
            scope: 'repository:a/b:pull,push repository:c/d:pull',
            error: 'insufficient_scope',
          },
        },
      ],
    ],
    [
      'ch04 spaces around = and commas, unquoted values, mixed case',
      'bearer  Realm = "https://r.example/t" ,  Service=reg.example , scope="x"',
      [{ scheme: 'bearer', params: { realm: 'https://r.example/t', service: 'reg.example', scope: 'x' } }],
    ],
    [
      'ch05 escaped quote and backslash inside a quoted value',
      'Basic realm="say \\"hi\\", a\\\\b"',
      [{ scheme: 'basic', params: { realm: 'say "hi", a\\b' } }],
    ],
    [
      'ch06 two challenges in one header',
      'Basic realm="a, b", Bearer realm="https://t.example/token",service="s"',
      [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://t.example/token', service: 's' } },
      ],
    ],
    ['ch07 empty header', '', []],
    ['ch08 scheme only', 'Negotiate', [{ scheme: 'negotiate', params: {} }]],
    [
      'ch09 unterminated quote keeps what it has',
      'Bearer realm="https://t.example',
      [{ scheme: 'bearer', params: { realm: 'https://t.example' } }],
    ],
  ])('%s', (_name, header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });

  test('never loops on garbage', () => {
    expect(parseChallenges('=,=;"" Bearer realm="x"')).toEqual([{ scheme: 'bearer', params: { realm: 'x' } }]);
  });
});
