// Chunked uploads through a fault proxy in front of the real registry: a chunk that keeps failing
// is resumed from the offset the registry reports (GET on the upload, its Range), and an upload the
// registry forgot (distribution drops a session whose chunk it stored but whose answer was lost)
// starts over from our spool; both pushes read back blob by blob. An OCI-layout archive (as
// Engine 25+, containerd and BuildKit write it) is pushed the same way.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../../../src/pipeline/push/push-image.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { defaultRetryPolicy } from '../../../src/retry/index.js';
import { MemoryLogger } from '../../../src/logger.js';
import { startFaultProxy, type FaultKind, type FaultProxy, type ProxiedRequest } from '../../support/fault-proxy.js';
import { writeOciLayout } from '../../support/oci-layout.js';
import { buildLayered, hexOf, pullAndHash, readBack, removeTags, text, weights } from '../../support/pushed-image.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

const PREFIX = 'push-resume-test/';
const CHUNK = 256 * 1024;
let registry: TestRegistry;
let temp: string;
let model: Buffer;
let imageId: string;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  temp = await mkdtemp(path.join(tmpdir(), 'mmk-push-resume-'));
  model = weights(1_500_000);
  imageId = await buildLayered(`${PREFIX}image:1`, { weights: model, libs: text(10_000, 'resume') });
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await registry?.stop();
  await rm(temp, { recursive: true, force: true });
  await removeTags([PREFIX]);
});

/**
 * Pushes the test image through a proxy whose `fault` hits the PATCHes numbered in `hit` (1-based)
 * of the first upload that sends chunks (uploads run side by side: the others pass untouched).
 */
async function pushThrough(repository: string, fault: FaultKind, hit: (patch: number) => boolean) {
  let patches = 0;
  let upload: string | undefined;
  return pushBehind(repository, (request) => {
    if (request.method !== 'PATCH') return undefined;
    upload ??= request.path;
    return request.path === upload && hit(++patches) ? fault : undefined;
  });
}

/** Pushes the test image through a proxy whose `decide` picks the faults. */
async function pushBehind(repository: string, decide: (request: ProxiedRequest) => FaultKind | undefined) {
  const proxy = await startFaultProxy({ target: registry.host, rate: 0, seed: 1, decide });
  proxies.push(proxy);
  const logger = new MemoryLogger();
  const client = new RegistryClient({
    registry: proxy.host,
    logger,
    retry: defaultRetryPolicy({ retries: 2, baseDelayMs: 5 }),
  });
  const result = await pushImage({
    docker: new Docker(),
    source: imageId,
    registry: client,
    repository,
    tag: '1.0.0',
    cacheDir: await mkdtemp(path.join(temp, 'cache-')),
    logger,
    chunkBytes: CHUNK,
  });
  return { result, said: logger.lines.map((l) => l.message), stats: proxy.stats };
}

describe('chunked uploads', () => {
  it("resumes a chunk that keeps failing from the registry's offset, not from zero", async () => {
    // The third PATCH and both its retries are dropped before they reach the registry.
    const { result, said } = await pushThrough('resume/offset', 'drop', (n) => n >= 3 && n <= 5);
    expect(said).toContainEqual(`resuming the upload to resume/offset at byte ${2 * CHUNK} (the registry's offset)`);
    expect(said.filter((m) => /lost the upload/.test(m))).toEqual([]);
    expect(result.layers.uploaded).toBe(3);
    await readBack(registry.host, 'resume/offset', '1.0.0', imageId);
  });

  it('starts an upload the registry forgot over from the spool, and it completes', async () => {
    // The registry stores the third chunk but its answer is lost; the retry finds the session invalid.
    const { result, said } = await pushThrough('resume/lost', 'drop-after', (n) => n === 3);
    expect(said).toContainEqual(expect.stringMatching(/lost the upload to resume\/lost: starting it over$/));
    expect(result.layers.uploaded).toBe(3);
    await readBack(registry.host, 'resume/lost', '1.0.0', imageId);
  });

  it('sends each blob whole, streamed, where the registry refuses chunks; a whole upload cut off starts over and completes', async () => {
    // Every PATCH is refused (405); the first streamed PUT larger than a chunk loses its connection.
    let dropped = false;
    const { result, said, stats } = await pushBehind('resume/whole', (request) => {
      if (request.method === 'PATCH') return '405';
      if (request.method === 'PUT' && request.length > CHUNK && !dropped) {
        dropped = true;
        return 'drop';
      }
      return undefined;
    });
    expect(said).toContainEqual(expect.stringMatching(/refuses chunked uploads \(HTTP 405\): sending the blob whole$/));
    expect(said).toContainEqual(expect.stringMatching(/during upload of resume\/whole@sha256:.*; starting it over/));
    expect(stats.byKind).toMatchObject({ drop: 1 });
    expect(stats.byKind['405']).toBeGreaterThan(0);
    expect(result.layers.uploaded).toBe(3);
    await readBack(registry.host, 'resume/whole', '1.0.0', imageId);
  });
});

describe('an OCI image layout', () => {
  it('is pushed from its uncompressed and compressed blobs, reads back, and runs after a pull', async () => {
    const layout = path.join(temp, 'layout.tar');
    await writeOciLayout(imageId, layout, [0]);
    const client = new RegistryClient({ registry: registry.host });
    const result = await pushImage({
      docker: new Docker(),
      source: imageId,
      registry: client,
      repository: 'resume/oci',
      tag: '1.0.0',
      cacheDir: await mkdtemp(path.join(temp, 'cache-')),
      archive: () => Promise.resolve(createReadStream(layout)),
    });
    expect(result.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(result.layers.uploaded).toBe(3);
    const manifest = await readBack(registry.host, 'resume/oci', '1.0.0', imageId);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(
      Array(3).fill('application/vnd.oci.image.layer.v1.tar+gzip'),
    );
    expect(await pullAndHash(`${registry.host}/resume/oci:1.0.0`, '/weights')).toBe(hexOf(model));
  });
});
