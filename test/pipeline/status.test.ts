import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { status } from '../../src/pipeline/status.js';
import { RegistryClient } from '../../src/registry/client.js';
import { MediaType } from '../../src/registry/manifest.js';
import { pushIndex, pushLayeredImage, type LayeredImage } from '../registry/index-fixture.js';
import { startTokenRegistry, type TokenRegistry } from '../registry/token-service.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { moduleFailure as failure } from '../support/failure.js';

const credentials = { username: 'reader', password: `pw-${randomBytes(12).toString('hex')}` };
const LABELS = (version: string) => ({
  'org.opencontainers.image.revision': `0123abc${version.replaceAll('.', '')}`,
  'org.opencontainers.image.created': `2026-0${version[2] ?? '1'}-01T10:00:00Z`,
});

let open: TestRegistry;
let basic: TestRegistry;
let token: TokenRegistry;
let old: LayeredImage;
let current: LayeredImage;

/** Publishes 1.1.0 then 1.2.0 of acme/blur the way publish leaves them: 1.2.0, 1.2, 1 and latest on the newer one. */
async function publishTwo(client: RegistryClient): Promise<[LayeredImage, LayeredImage]> {
  const first = await pushLayeredImage(client, 'acme/blur', [1000], '1.1.0', '1.1.0', LABELS('1.1.0'));
  const second = await pushLayeredImage(client, 'acme/blur', [1000], '1.2.0', '1.2.0', LABELS('1.2.0'));
  await client.putManifest('acme/blur', '1.1', first.manifest, first.mediaType);
  for (const tag of ['1.2', '1', 'latest'])
    await client.putManifest('acme/blur', tag, second.manifest, second.mediaType);
  return [first, second];
}

beforeAll(async () => {
  [open, basic, token] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: credentials }),
    startTokenRegistry(credentials),
  ]);
  [old, current] = await publishTwo(new RegistryClient({ registry: open.host }));
  await publishTwo(new RegistryClient({ registry: basic.host, credentials }));
  await publishTwo(new RegistryClient({ registry: token.registry.host, credentials }));
});
afterAll(async () => {
  await Promise.all([open?.stop(), basic?.stop(), token?.stop()]);
});

describe('status: what a server following a docker_tag gets at its next pull', () => {
  test('a floating tag on a public repository, anonymously: digest and the version, revision and created labels', async () => {
    const got = await status(`${open.host}/acme/blur:1`);
    expect(got).toEqual({
      image: `${open.host}/acme/blur:1`,
      tag: '1',
      follows: 'floating',
      digest: current.digest,
      mediaType: MediaType.dockerManifest,
      platformDigest: current.digest,
      configDigest: current.configDigest,
      platforms: ['linux/amd64'],
      version: '1.2.0',
      revision: '0123abc120',
      created: '2026-02-01T10:00:00Z',
      installed: undefined,
      updateAvailable: undefined,
    });
  });

  test('no tag means latest, as in mercure; a version tag is fixed; a digest is pinned', async () => {
    expect(await status(`${open.host}/acme/blur`)).toMatchObject({
      tag: 'latest',
      image: `${open.host}/acme/blur:latest`,
      version: '1.2.0',
    });
    expect(await status(`${open.host}/acme/blur:1.1.0`)).toMatchObject({
      follows: 'fixed',
      version: '1.1.0',
      digest: old.digest,
    });
    expect(await status(`${open.host}/acme/blur@${old.digest}`)).toMatchObject({
      follows: 'pinned',
      tag: undefined,
      version: '1.1.0',
    });
  });

  test('updateAvailable compares the installed digest (manifest digest or image ID, with or without sha256:)', async () => {
    const image = `${open.host}/acme/blur:1`;
    expect((await status(image, { installed: old.digest })).updateAvailable).toBe(true);
    expect((await status(image, { installed: current.digest })).updateAvailable).toBe(false);
    expect((await status(image, { installed: current.configDigest })).updateAvailable).toBe(false);
    expect((await status(image, { installed: current.configDigest.slice('sha256:'.length) })).updateAvailable).toBe(
      false,
    );
    expect((await status(`${open.host}/acme/blur:1.1`, { installed: old.configDigest })).updateAvailable).toBe(false);
    expect(await failure(status(image, { installed: 'abc' }))).toMatchObject({
      code: 'installed-invalid',
      kind: 'usage',
    });
  });

  test('a multi-platform index: the index digest, and the labels of its linux/amd64 image', async () => {
    const client = new RegistryClient({ registry: open.host });
    const index = await pushIndex(client, 'acme/multi', { version: '2.0.0', tag: '2' });
    const got = await status(`${open.host}/acme/multi:2`, { installed: index.amd64.digest });
    expect(got).toMatchObject({
      digest: index.digest,
      mediaType: MediaType.ociIndex,
      platformDigest: index.amd64.digest,
      configDigest: index.amd64.config.descriptor.digest,
      platforms: ['linux/amd64', 'linux/arm64'],
      version: '2.0.0',
      updateAvailable: false,
    });
  });

  test('an index without linux/amd64 is reported: a server cannot pull it', async () => {
    const client = new RegistryClient({ registry: open.host });
    const index = await pushIndex(client, 'acme/armonly', { version: '1.0.0' });
    const armOnly = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          {
            mediaType: MediaType.ociManifest,
            digest: index.arm64.digest,
            size: index.arm64.manifest.length,
            platform: { architecture: 'arm64', os: 'linux' },
          },
        ],
      }),
    );
    await client.putManifest('acme/armonly', 'latest', armOnly, MediaType.ociIndex);
    expect(await failure(status(`${open.host}/acme/armonly`))).toMatchObject({
      code: 'platform-not-found',
      message: `${open.host}/acme/armonly:latest has no linux/amd64 image`,
    });
  });

  test('a private repository (HTTP Basic) with the login; without it, registry-auth', async () => {
    expect(await status(`${basic.host}/acme/blur:latest`, { credentials })).toMatchObject({
      version: '1.2.0',
      revision: '0123abc120',
    });
    expect(await failure(status(`${basic.host}/acme/blur:latest`))).toMatchObject({
      code: 'registry-auth',
      message: `registry ${basic.host} requires a login and no credentials were given`,
    });
  });

  test('a token registry (Bearer, as Docker Hub): with the login; anonymous pull of a private repository is refused', async () => {
    const host = token.registry.host;
    expect(await status(`${host}/acme/blur:1.2`, { credentials })).toMatchObject({ version: '1.2.0' });
    expect(await failure(status(`${host}/acme/blur:1.2`))).toMatchObject({ code: 'registry-auth' });
  });

  test('a public repository behind a token service: the anonymous token flow, no credentials sent', async () => {
    // The test token service grants anonymous users nothing (a private repository); stand in for
    // one that grants anonymous pulls (a public one) by letting this fetch vouch for them.
    const anonymousTokenRequests: string[] = [];
    const publicRepository: typeof fetch = (input, init) => {
      const url = String(input);
      const headers = { ...(init?.headers as Record<string, string> | undefined) };
      if (url.startsWith(token.realm) && headers.Authorization === undefined) {
        anonymousTokenRequests.push(new URL(url).searchParams.getAll('scope').join(' '));
        headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      }
      return fetch(input, { ...init, headers });
    };
    const got = await status(`${token.registry.host}/acme/blur:1`, { fetch: publicRepository });
    expect(got).toMatchObject({ digest: expect.stringMatching(/^sha256:/), version: '1.2.0' });
    expect(anonymousTokenRequests).toContain('repository:acme/blur:pull');
  });

  test('a tag that does not exist: tag-not-found naming it and the tags there are, latest first', async () => {
    const error = await failure(status(`${open.host}/acme/blur:2`));
    expect(error).toMatchObject({ code: 'tag-not-found', kind: 'usage' });
    expect(error.message).toBe(
      `${open.host}/acme/blur:2 does not exist; existing tags: latest, 1, 1.2, 1.1, 1.2.0, 1.1.0`,
    );
    const empty = await failure(status(`${open.host}/acme/never:1`));
    expect(empty.message).toBe(`${open.host}/acme/never:1 does not exist; ${open.host}/acme/never has no tags`);
  });
});
