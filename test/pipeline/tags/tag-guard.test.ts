// The settle step after each floating-tag PUT, against a real registry (docker-registry on a
// loopback port): a variant's tags in the same repository must never count as newer versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledVersion, settleFloating, type GuardContext } from '../../../src/pipeline/tags/tag-guard.js';
import { MediaType } from '../../../src/registry/manifest.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { MemoryLogger } from '../../../src/logger.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { pushImage, tinyImage } from '../../registry/image-fixture.js';

let registry: TestRegistry;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ registry: registry.host });
});
afterAll(async () => {
  await registry.stop();
});

describe('settleFloating', () => {
  it('leaves the plain channel on our prerelease when a variant holds a "newer" suffixed prerelease', async () => {
    const repository = 'guard/variants';
    const gpu = tinyImage({ version: '1.3.0-rc.1', note: 'gpu' });
    await pushImage(client, repository, gpu, '1.3.0-rc.1-gpu');
    await pushImage(client, repository, gpu, 'next-gpu');
    const plain = tinyImage({ version: '1.3.0-rc.1', note: 'plain' });
    await pushImage(client, repository, plain, '1.3.0-rc.1');
    await pushImage(client, repository, plain, 'next'); // our PUT, just before the settle
    const logger = new MemoryLogger();
    const ctx: GuardContext = {
      registry: client,
      repository,
      name: `${registry.host}/${repository}`,
      digest: plain.digest,
      manifest: await client.getManifest(repository, plain.digest),
      version: '1.3.0-rc.1',
      tagOptions: { channel: 'next' },
      logger,
    };
    expect(await settleFloating(ctx, 'next', 'channel')).toEqual({ state: 'ours' });
    expect((await client.headManifest(repository, 'next'))?.digest).toBe(plain.digest);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});

/** Puts an OCI index of `images` (each with its platform) under `tag`; returns its digest. */
async function putIndex(
  repository: string,
  tag: string,
  images: { image: ReturnType<typeof tinyImage>; platform: { os: string; architecture: string } }[],
): Promise<string> {
  for (const { image } of images) await pushImage(client, repository, image);
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: images.map(({ image, platform }) => ({
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
      platform,
    })),
  };
  return client.putManifest(repository, tag, Buffer.from(JSON.stringify(index)), MediaType.ociIndex);
}

describe('labelledVersion', () => {
  const ctxFor = (repository: string): GuardContext => {
    const plain = tinyImage({ version: '1.3.0' });
    return {
      registry: client,
      repository,
      name: `${registry.host}/${repository}`,
      digest: plain.digest,
      manifest: { digest: plain.digest, bytes: plain.manifest, mediaType: plain.mediaType },
      version: '1.3.0',
      tagOptions: {},
      logger: new MemoryLogger(),
    };
  };

  it("reads an index's linux/amd64 image, and an index without one (arm64 only) from its first image, not an attestation", async () => {
    const repository = 'guard/platforms';
    const both = await putIndex(repository, 'both', [
      {
        image: tinyImage({ version: '1.4.0', architecture: 'arm64', note: 'arm' }),
        platform: { os: 'linux', architecture: 'arm64' },
      },
      { image: tinyImage({ version: '1.4.1', note: 'amd' }), platform: { os: 'linux', architecture: 'amd64' } },
    ]);
    const armOnly = await putIndex(repository, 'arm', [
      {
        image: tinyImage({ version: '0.0.1', note: 'attestation' }),
        platform: { os: 'unknown', architecture: 'unknown' },
      },
      {
        image: tinyImage({ version: '2.0.0', architecture: 'arm64', note: 'arm2' }),
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ]);
    const ctx = ctxFor(repository);
    expect((await labelledVersion(ctx, both))?.version).toBe('1.4.1');
    expect((await labelledVersion(ctx, armOnly))?.version).toBe('2.0.0');
  });

  it('lets a floating tag that moved on to a newer arm64-only release stay there (forward), instead of failing', async () => {
    const repository = 'guard/arm-newer';
    const ours = tinyImage({ version: '1.3.0' });
    await pushImage(client, repository, ours, '1.3.0');
    // Another publish moved `1` to 1.5.0, released for arm64 only, after our PUT.
    const newer = await putIndex(repository, '1', [
      {
        image: tinyImage({ version: '1.5.0', architecture: 'arm64' }),
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ]);
    await pushImage(client, repository, tinyImage({ version: '1.5.0', architecture: 'arm64' }), '1.5.0');
    const ctx = { ...ctxFor(repository), digest: ours.digest };
    expect(await settleFloating(ctx, '1', 'major')).toEqual({ state: 'moved-on', version: '1.5.0', digest: newer });
  });
});
