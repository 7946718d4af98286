import { describe, expect, it } from 'vitest';
import { normaliseSourceUrl, ociLabels, stripCredentials } from '../../src/release/index.js';

const NOW = new Date('2025-11-26T09:07:00.000Z');

describe('normaliseSourceUrl', () => {
  it.each([
    ['git@github.com:acme/blur.git', 'https://github.com/acme/blur'],
    ['git@github.com:acme/blur', 'https://github.com/acme/blur'],
    ['github.com:acme/blur.git', 'https://github.com/acme/blur'],
    ['ssh://git@github.com/acme/blur.git', 'https://github.com/acme/blur'],
    ['ssh://git@github.com:22/acme/blur.git', 'https://github.com/acme/blur'],
    ['git+ssh://git@github.com/acme/blur.git', 'https://github.com/acme/blur'],
    ['git://github.com/acme/blur.git', 'https://github.com/acme/blur'],
    ['https://github.com/acme/blur.git', 'https://github.com/acme/blur'],
    ['https://github.com/acme/blur/', 'https://github.com/acme/blur'],
    ['https://GitHub.com/acme/blur', 'https://github.com/acme/blur'],
    ['https://user:ghp_secret123@github.com/acme/blur.git', 'https://github.com/acme/blur'],
    ['https://x-access-token:ghs_abc@github.com/acme/blur', 'https://github.com/acme/blur'],
    ['https://ghp_onlytoken@github.com/acme/blur.git', 'https://github.com/acme/blur'],
    [
      'https://oauth2:glpat-xyz@gitlab.example.org/group/sub/blur.git?private_token=x#readme',
      'https://gitlab.example.org/group/sub/blur',
    ],
    ['git@gitlab.com:group/sub/blur.git', 'https://gitlab.com/group/sub/blur'],
    ['http://git.local:3000/acme/blur.git', 'http://git.local:3000/acme/blur'],
    ['  git@github.com:acme/blur.git\n', 'https://github.com/acme/blur'],
  ])('%s -> %s', (remote, url) => {
    expect(normaliseSourceUrl(remote)).toBe(url);
  });

  it.each([
    '',
    '/home/ana/blur',
    '../blur',
    'file:///home/ana/blur',
    'C:\\src\\blur',
    'https://github.com/',
    'not a url',
  ])('gives no URL for %j (not a remote on a host)', (remote) => {
    expect(normaliseSourceUrl(remote)).toBeUndefined();
  });
});

describe('stripCredentials', () => {
  it('removes user and password and leaves other text alone', () => {
    expect(stripCredentials('https://ana:s3cret@docs.example.org/blur?page=2')).toBe(
      'https://docs.example.org/blur?page=2',
    );
    expect(stripCredentials('https://docs.example.org/blur')).toBe('https://docs.example.org/blur');
    expect(stripCredentials('see README')).toBe('see README');
  });
});

describe('ociLabels', () => {
  it('writes every org.opencontainers.image label from its input', () => {
    expect(
      ociLabels({
        name: 'blur',
        description: 'Gaussian blur for DICOM series',
        version: 'refs/tags/v1.2.3',
        revision: '0123456789abcdef0123456789abcdef01234567',
        source: 'git@github.com:acme/blur.git',
        created: NOW,
        license: 'MIT',
        url: 'https://hub.docker.com/r/acme/blur',
        vendor: 'Acme Imaging',
        documentation: 'https://acme.example/blur',
      }),
    ).toEqual({
      'org.opencontainers.image.title': 'blur',
      'org.opencontainers.image.description': 'Gaussian blur for DICOM series',
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.source': 'https://github.com/acme/blur',
      'org.opencontainers.image.created': '2025-11-26T09:07:00.000Z',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.url': 'https://hub.docker.com/r/acme/blur',
      'org.opencontainers.image.vendor': 'Acme Imaging',
      'org.opencontainers.image.documentation': 'https://acme.example/blur',
    });
  });

  it('omits empty and missing values', () => {
    expect(ociLabels({})).toEqual({});
    expect(
      ociLabels({ name: '  ', version: '', description: undefined, source: '/home/ana/blur', license: 'Apache-2.0' }),
    ).toEqual({ 'org.opencontainers.image.licenses': 'Apache-2.0' });
  });

  it('keeps build metadata in the version label, and free-form versions as given', () => {
    expect(ociLabels({ version: 'v1.2.3+build.5' })).toEqual({ 'org.opencontainers.image.version': '1.2.3+build.5' });
    expect(ociLabels({ version: 'main' })).toEqual({ 'org.opencontainers.image.version': 'main' });
  });

  it('never carries credentials, not even from url, documentation or overrides', () => {
    const labels = ociLabels({
      source: 'https://ci-bot:ghp_secret@github.com/acme/blur.git',
      url: 'https://ana:pw@acme.example/blur',
      documentation: 'https://token@docs.acme.example/',
      overrides: { 'org.opencontainers.image.source': 'https://bot:ghp_other@github.com/acme/blur-fork' },
    });
    expect(JSON.stringify(labels)).not.toMatch(/ghp_|ana:|pw@|token@|bot:/);
    expect(labels).toEqual({
      'org.opencontainers.image.source': 'https://github.com/acme/blur-fork',
      'org.opencontainers.image.url': 'https://acme.example/blur',
      'org.opencontainers.image.documentation': 'https://docs.acme.example/',
    });
  });

  it('lets overrides replace, add and remove labels', () => {
    expect(
      ociLabels({
        name: 'blur',
        vendor: 'Acme',
        license: 'MIT',
        overrides: {
          'org.opencontainers.image.title': 'Blur (GPU)',
          'org.opencontainers.image.vendor': '',
          'com.acme.team': 'imaging',
        },
      }),
    ).toEqual({
      'org.opencontainers.image.title': 'Blur (GPU)',
      'org.opencontainers.image.licenses': 'MIT',
      'com.acme.team': 'imaging',
    });
  });
});
