import { describe, expect, it } from 'vitest';
import {
  formatPlatform,
  parsePlatform,
  parsePlatformList,
  platformOf,
  platformSuffix,
  samePlatform,
} from '../../src/registry/platform.js';

describe('platforms as buildx and OCI spell them', () => {
  it.each([
    ['pl01', 'linux/amd64', 'linux/amd64'],
    ['pl02', 'linux/arm64', 'linux/arm64'],
    ['pl03 arm64/v8 is plain arm64', 'linux/arm64/v8', 'linux/arm64'],
    ['pl04 uname -m spelling', 'linux/x86_64', 'linux/amd64'],
    ['pl05 aarch64', 'Linux/AArch64', 'linux/arm64'],
    ['pl06 a variant kept', 'linux/arm/v7', 'linux/arm/v7'],
  ])('%s: %s -> %s', (_name, text, expected) => {
    expect(formatPlatform(parsePlatform(text))).toBe(expected);
  });

  it.each([
    ['pl07', 'amd64'],
    ['pl08', 'linux/'],
    ['pl09', 'linux/arm/v7/x'],
    ['pl10', 'linux/am d64'],
  ])('%s: %s is refused naming the option', (_name, text) => {
    expect(() => parsePlatform(text, '--server-platform')).toThrow(/--server-platform .*os\/architecture/);
  });

  it('reads lists from repeated and comma-separated values, refusing a platform named twice', () => {
    expect(parsePlatformList(['linux/amd64,linux/arm64', ' linux/arm/v7 ']).map(formatPlatform)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
    ]);
    expect(() => parsePlatformList(['linux/arm64', 'linux/arm64/v8'])).toThrow(/names linux\/arm64 twice/);
  });

  it('compares, names local images, and reads an engine inspect or image config', () => {
    expect(samePlatform(parsePlatform('linux/arm64/v8'), parsePlatform('linux/arm64'))).toBe(true);
    expect(samePlatform(parsePlatform('linux/arm/v6'), parsePlatform('linux/arm/v7'))).toBe(false);
    expect(platformSuffix(parsePlatform('linux/arm/v7'))).toBe('linux-arm-v7');
    expect(formatPlatform(platformOf({ os: 'linux', architecture: 'x86_64' }))).toBe('linux/amd64');
    expect(formatPlatform(platformOf({ os: 'linux', architecture: 'arm64', variant: 'v8' }))).toBe('linux/arm64');
  });
});
