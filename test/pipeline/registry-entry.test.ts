import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isModuleError } from '../../src/errors.js';
import {
  orderTags,
  registryEntry,
  registryEntryFromRegistry,
  type RegistryEntryInput,
} from '../../src/pipeline/registry-entry.js';
import { RegistryClient } from '../../src/registry/client.js';
import { pushImage, tinyImage } from '../registry/image-fixture.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const PUBLISHED = [
  '1.0.0',
  '1.1.0',
  '1',
  '1.1',
  '1.0',
  'latest',
  'sha-abc1234',
  `sha256-${'a'.repeat(64)}`,
  '2.0.0-rc.1',
  'next',
];
const base: RegistryEntryInput = {
  name: 'mercure-blur',
  description: 'Blurs every slice of a series',
  githubUrl: 'https://github.com/acme/mercure-blur',
  image: 'acme/blur',
  tags: PUBLISHED,
};

// Accepted inputs: name, what changes from `base`, and the fields expected in the entry.
const accepted: [string, Partial<RegistryEntryInput>, Record<string, unknown>][] = [
  [
    'e01 defaults: latest, MAJOR, MAJOR.MINOR desc, releases desc; no rc, channel, sha- or referrer tags',
    {},
    {
      dockerhubImage: 'acme/blur:latest',
      supportedImageTags: ['latest', '1', '1.1', '1.0', '1.1.0', '1.0.0'],
      isMonaiModule: false,
      status: 'active',
    },
  ],
  [
    'e02 a Docker Hub name written in full is shortened',
    { image: 'docker.io/acme/blur' },
    { dockerhubImage: 'acme/blur:latest' },
  ],
  [
    'e03 an official image loses library/',
    { image: 'index.docker.io/library/blur' },
    { dockerhubImage: 'blur:latest' },
  ],
  [
    'e04 another registry keeps its host (and port)',
    { image: '127.0.0.1:5000/acme/blur' },
    { dockerhubImage: '127.0.0.1:5000/acme/blur:latest' },
  ],
  ['e05 the image tag is the default selection', { image: 'acme/blur:1' }, { dockerhubImage: 'acme/blur:1' }],
  [
    'e06 a chosen list is ordered; channels come right after latest',
    { supported: ['1.0.0', 'next', 'latest', '2.0.0-rc.1'] },
    { supportedImageTags: ['latest', 'next', '2.0.0-rc.1', '1.0.0'] },
  ],
  [
    'e07 without latest the highest floating tag is the default',
    { tags: ['2.0.0', '2', '2.0'] },
    { dockerhubImage: 'acme/blur:2', supportedImageTags: ['2', '2.0', '2.0.0'] },
  ],
  [
    'e08 the image tag is listed even when outside the chosen list',
    { image: 'acme/blur:1.0', supported: ['latest'] },
    { dockerhubImage: 'acme/blur:1.0', supportedImageTags: ['latest', '1.0'] },
  ],
  [
    'e09 githubUrl: trailing slash and .git dropped',
    { githubUrl: 'https://github.com/acme/mercure-blur.git/' },
    { githubUrl: 'https://github.com/acme/mercure-blur' },
  ],
  [
    'e10 githubUrl: www. dropped; a folder under /tree/ kept',
    { githubUrl: 'https://www.github.com/acme/modules/tree/main/blur' },
    { githubUrl: 'https://github.com/acme/modules/tree/main/blur' },
  ],
  [
    'e11 MONAI module, inactive',
    { isMonaiModule: true, status: 'inactive' },
    { isMonaiModule: true, status: 'inactive' },
  ],
  [
    'e12 name and description are trimmed',
    { name: ' blur_2 ', description: ' Blur. ' },
    { name: 'blur_2', description: 'Blur.' },
  ],
];

// Refused inputs: name, what changes from `base`, and a part of the message.
const refused: [string, Partial<RegistryEntryInput>, string][] = [
  ['x01 githubUrl empty', { githubUrl: '' }, 'githubUrl "" is not a URL'],
  ['x02 githubUrl over http', { githubUrl: 'http://github.com/acme/blur' }, 'must start with https://'],
  ['x03 githubUrl elsewhere', { githubUrl: 'https://gitlab.com/acme/blur' }, 'is not on github.com'],
  ['x04 githubUrl of an owner', { githubUrl: 'https://github.com/acme' }, 'does not name a repository'],
  [
    'x05 githubUrl owner with a leading dash',
    { githubUrl: 'https://github.com/-acme/blur' },
    'does not name a repository',
  ],
  [
    'x06 githubUrl with a query',
    { githubUrl: 'https://github.com/acme/blur?tab=readme' },
    'must have no port, query or fragment',
  ],
  [
    'x07 githubUrl of an issue page',
    { githubUrl: 'https://github.com/acme/blur/issues/3' },
    'only /tree/<branch>/<folder>',
  ],
  [
    'x08 githubUrl with a login',
    { githubUrl: 'https://x-access-token:ghp_SECRET123@github.com/acme/blur' },
    'must not carry a login',
  ],
  ['x09 name with a space', { name: 'mercure blur' }, `name "mercure blur" must be letters, digits, "_" and "-" only`],
  ['x10 empty description', { description: '  ' }, 'description is empty'],
  [
    'x11 a chosen tag that is not published',
    { supported: ['latest', '3.0.0'] },
    'supportedImageTags lists "3.0.0", which acme/blur does not have',
  ],
  [
    'x12 an image tag that is not published',
    { image: 'acme/blur:9' },
    'image names tag "9", which acme/blur does not have',
  ],
  [
    'x13 an image digest',
    { image: `acme/blur@sha256:${'b'.repeat(64)}` },
    'must name a repository (and tag), not a digest',
  ],
  ['x14 nothing to offer', { tags: ['sha-abc1234', '2.0.0-rc.1'] }, 'supportedImageTags is empty'],
  ['x15 status not a lowercase word', { status: 'Active' }, 'status "Active" must be a lowercase word'],
];

describe('registryEntry', () => {
  test.each(accepted)('%s', (_name, change, expected) => {
    const entry = registryEntry({ ...base, ...change });
    expect(entry).toMatchObject(expected);
    expect(Object.keys(entry)).toEqual([
      'name',
      'description',
      'githubUrl',
      'dockerhubImage',
      'supportedImageTags',
      'isMonaiModule',
      'status',
    ]);
    expect(entry.supportedImageTags).toContain(entry.dockerhubImage.slice(entry.dockerhubImage.lastIndexOf(':') + 1));
  });

  test.each(refused)('%s', (_name, change, message) => {
    let caught: unknown;
    try {
      registryEntry({ ...base, ...change });
    } catch (error) {
      caught = error;
    }
    expect(isModuleError(caught) && caught.code).toBe('registry-entry-invalid');
    expect((caught as Error).message).toContain(message);
    expect(JSON.stringify(caught) + (caught as Error).message).not.toContain('ghp_SECRET123');
  });

  test('orderTags: latest, named, MAJOR before its MAJOR.MINOR (numerically), versions by semver, the rest', () => {
    expect(
      orderTags([
        '1.9',
        'sha-1234567',
        '1.10.0',
        '10',
        '1',
        'v1.3.0',
        'stable',
        '2.0',
        '1.10',
        '1.9.0',
        'latest',
        '2',
        '1.2.3',
        '1.10.0-rc.1',
      ]),
    ).toEqual([
      'latest',
      'stable',
      '10',
      '2',
      '2.0',
      '1',
      '1.10',
      '1.9',
      '1.10.0',
      '1.10.0-rc.1',
      '1.9.0',
      'v1.3.0',
      '1.2.3',
      'sha-1234567',
    ]);
  });
});

describe('registryEntryFromRegistry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
    const client = new RegistryClient({ registry: registry.host });
    const image = tinyImage({ version: '0.2.0' });
    await pushImage(client, 'acme/blur', image, '0.2.0');
    for (const tag of ['0.2', 'latest', 'sha-0123456'])
      await client.putManifest('acme/blur', tag, image.manifest, image.mediaType);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('reads the published tags and builds the entry', async () => {
    const entry = await registryEntryFromRegistry({ ...base, image: `${registry.host}/acme/blur` });
    expect(entry).toEqual({
      name: 'mercure-blur',
      description: 'Blurs every slice of a series',
      githubUrl: 'https://github.com/acme/mercure-blur',
      dockerhubImage: `${registry.host}/acme/blur:latest`,
      supportedImageTags: ['latest', '0.2', '0.2.0'],
      isMonaiModule: false,
      status: 'active',
    });
  });

  test('a repository with nothing published is refused', async () => {
    await expect(registryEntryFromRegistry({ ...base, image: `${registry.host}/acme/nothing` })).rejects.toMatchObject({
      code: 'registry-entry-invalid',
    });
  });
});
