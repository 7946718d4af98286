// The settle step after each floating-tag PUT, against a real registry (docker-registry on a
// loopback port): a variant's tags in the same repository must never count as newer versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleFloating, type GuardContext } from '../../../src/pipeline/tags/tag-guard.js';
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
