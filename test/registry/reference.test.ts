import { describe, expect, test } from 'vitest';
import { isModuleError } from '../../src/errors.js';
import { formatReference, isLoopbackRegistry, parseReference, registryBaseUrl } from '../../src/registry/reference.js';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

// name, input -> registry, repository, tag, digest
const valid: [string, string, string, string, string | undefined, string | undefined][] = [
  ['ref01 official image', 'blur', 'docker.io', 'library/blur', undefined, undefined],
  ['ref02 official with tag', 'blur:1.0', 'docker.io', 'library/blur', '1.0', undefined],
  ['ref03 user repository', 'acme/blur:1.0', 'docker.io', 'acme/blur', '1.0', undefined],
  ['ref04 docker.io spelled out', 'docker.io/blur', 'docker.io', 'library/blur', undefined, undefined],
  ['ref05 legacy index host', 'index.docker.io/acme/blur', 'docker.io', 'acme/blur', undefined, undefined],
  ['ref06 loopback with port', '127.0.0.1:5000/acme/blur', '127.0.0.1:5000', 'acme/blur', undefined, undefined],
  [
    'ref07 loopback port and tag',
    '127.0.0.1:5000/acme/blur:2.1.0-rc.1',
    '127.0.0.1:5000',
    'acme/blur',
    '2.1.0-rc.1',
    undefined,
  ],
  ['ref08 localhost is a host', 'localhost:5000/x', 'localhost:5000', 'x', undefined, undefined],
  ['ref09 bare localhost host', 'localhost/x', 'localhost', 'x', undefined, undefined],
  ['ref10 ghcr with digest', `ghcr.io/a/b@${DIGEST}`, 'ghcr.io', 'a/b', undefined, DIGEST],
  ['ref11 tag and digest', `ghcr.io/a/b:1@${DIGEST}`, 'ghcr.io', 'a/b', '1', DIGEST],
  [
    'ref12 nested path',
    'registry.example.com/team/sub/blur',
    'registry.example.com',
    'team/sub/blur',
    undefined,
    undefined,
  ],
  ['ref13 separators', 'acme/my_mod-x.y__z:latest', 'docker.io', 'acme/my_mod-x.y__z', 'latest', undefined],
  ['ref14 host without dot or port', 'acme/blur/extra', 'docker.io', 'acme/blur/extra', undefined, undefined],
  ['ref15 IPv6 loopback', '[::1]:5000/acme/blur', '[::1]:5000', 'acme/blur', undefined, undefined],
  ['ref16 uppercase first part is a host', 'Registry/acme', 'Registry', 'acme', undefined, undefined],
  ['ref17 tag of 128 characters', `acme/blur:${'t'.repeat(128)}`, 'docker.io', 'acme/blur', 't'.repeat(128), undefined],
];

// name, input, words the message must contain
const invalid: [string, string, string[]][] = [
  ['bad01 empty', '', ['""', 'empty']],
  ['bad02 space', 'acme/ blur', ['"acme/ blur"', 'whitespace']],
  ['bad03 trailing newline', 'acme/blur\n', ['whitespace']],
  ['bad04 uppercase repository', 'acme/Blur', ['"acme/Blur"', 'must be lowercase']],
  ['bad05 uppercase official', 'Blur', ['library/Blur', 'must be lowercase']],
  ['bad06 dot-dot component', 'acme/../blur', ['".."', 'path component']],
  ['bad07 leading dot-dot', '../blur', ['".."', 'registry host']],
  ['bad08 empty component', 'acme//blur', ['empty path component']],
  ['bad09 trailing slash', 'acme/blur/', ['empty path component']],
  ['bad10 separator at end', 'acme/blur-', ['"blur-"']],
  ['bad11 tag starts with dot', 'acme/blur:.1', ['tag ".1"', 'does not start with']],
  ['bad12 tag with plus', 'acme/blur:1.0+build', ['tag "1.0+build"']],
  ['bad13 tag too long', `acme/blur:${'t'.repeat(129)}`, ['is not valid', '128']],
  ['bad14 empty tag', 'acme/blur:', ['tag ""']],
  ['bad15 name too long', `acme/${'b'.repeat(260)}`, ['characters long', '255']],
  ['bad16 short sha256', 'acme/blur@sha256:abc', ['digest "sha256:abc"', '64']],
  ['bad17 digest without algorithm', 'acme/blur@abc', ['digest "abc"', 'algorithm:hex']],
  ['bad18 image ID', 'a1'.repeat(32), ['image ID']],
  ['bad19 underscore host', 'my_host.com/acme/blur', ['registry host "my_host.com"']],
  ['bad20 triple underscore', 'acme/a___b', ['"a___b"']],
];

describe('parseReference', () => {
  test.each(valid)('%s', (_name, input, registry, repository, tag, digest) => {
    expect(parseReference(input)).toEqual({ registry, repository, tag, digest });
  });

  test.each(invalid)('%s', (_name, input, words) => {
    let caught: unknown;
    try {
      parseReference(input);
    } catch (error) {
      caught = error;
    }
    expect(isModuleError(caught)).toBe(true);
    if (!isModuleError(caught)) return;
    expect(caught.code).toBe('registry-reference');
    expect(caught.kind).toBe('usage');
    expect(caught.message).toContain('invalid image reference');
    for (const word of words) expect(caught.message).toContain(word);
  });

  test('formats back to the canonical string', () => {
    expect(formatReference(parseReference('blur'))).toBe('docker.io/library/blur');
    expect(formatReference(parseReference(`127.0.0.1:5000/a/b:1@${DIGEST}`))).toBe(`127.0.0.1:5000/a/b:1@${DIGEST}`);
  });
});

describe('registryBaseUrl', () => {
  test.each([
    ['url01 Docker Hub', 'docker.io', undefined, 'https://registry-1.docker.io'],
    ['url02 loopback', '127.0.0.1:5000', undefined, 'http://127.0.0.1:5000'],
    ['url03 other loopback address', '127.3.4.5:5000', undefined, 'http://127.3.4.5:5000'],
    ['url04 localhost', 'localhost:5000', undefined, 'http://localhost:5000'],
    ['url05 IPv6 loopback', '[::1]:5000', undefined, 'http://[::1]:5000'],
    ['url06 public registry', 'ghcr.io', undefined, 'https://ghcr.io'],
    ['url07 LAN address is not loopback', '10.0.0.5:5000', undefined, 'https://10.0.0.5:5000'],
    ['url08 look-alike host', '127.0.0.1.example.com', undefined, 'https://127.0.0.1.example.com'],
    ['url09 override wins', '10.0.0.5:5000', 'http://10.0.0.5:5000/', 'http://10.0.0.5:5000'],
  ])('%s', (_name, registry, override, expected) => {
    expect(registryBaseUrl(registry, override)).toBe(expected);
  });

  test('an override that is not an http(s) URL is a usage error naming it', () => {
    expect(() => registryBaseUrl('x.io', 'ftp://x.io')).toThrow(/"ftp:\/\/x\.io" must start with http/);
    expect(() => registryBaseUrl('x.io', 'x.io:5000 ')).toThrow(/registry URL/);
  });

  test('loopback detection', () => {
    expect(isLoopbackRegistry('127.0.0.1')).toBe(true);
    expect(isLoopbackRegistry('128.0.0.1:80')).toBe(false);
    expect(isLoopbackRegistry('localhost.example.com')).toBe(false);
  });
});
