import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { copyImage, referrersTag } from '../../src/registry/copy.js';
import { MediaType } from '../../src/registry/manifest.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { pushImage, tinyImage } from './image-fixture.js';
import { pushIndex, pushLayeredImage, pushReferrer } from './index-fixture.js';
import { moduleFailure as failure } from '../support/failure.js';

/** A fetch that records each request (`POST mount`, `PUT upload`, ...) and how many uploads ran at once. */
function watchingFetch(alter?: (url: URL, response: Response) => Response) {
  const calls: string[] = [];
  const stats = { active: 0, maxActive: 0, streamedBodies: 0, bufferedBodies: 0, teeProof: 0 };
  const watched: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const isUpload = method === 'PUT' && url.pathname.includes('/blobs/uploads/');
    const kind = url.search.includes('mount=')
      ? 'mount'
      : isUpload
        ? 'upload'
        : url.pathname.includes('/blobs/')
          ? 'blob'
          : 'other';
    calls.push(`${method} ${kind} ${url.pathname}`);
    if (isUpload) {
      if (Buffer.isBuffer(init?.body) || init?.body instanceof Uint8Array) stats.bufferedBodies++;
      else stats.streamedBodies++;
      // fetch tees a stream body it may have to replay for a redirect, keeping every byte sent.
      if (init?.redirect === 'error') stats.teeProof++;
      stats.active++;
      stats.maxActive = Math.max(stats.maxActive, stats.active);
    }
    try {
      const response = await fetch(input, init);
      return alter ? alter(url, response) : response;
    } finally {
      if (isUpload) stats.active--;
    }
  };
  const count = (what: string) => calls.filter((c) => c.startsWith(what)).length;
  return { fetch: watched, calls, stats, count };
}

let one: TestRegistry;
let two: TestRegistry;
let a: RegistryClient;
let b: RegistryClient;

beforeAll(async () => {
  [one, two] = await Promise.all([startRegistry(), startRegistry()]);
  a = new RegistryClient({ registry: one.host });
  b = new RegistryClient({ registry: two.host });
});
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
});

describe('copyImage within one registry', () => {
  test('mounts every blob, uploads none, and keeps the digest; a second copy finds everything there', async () => {
    const image = tinyImage({ note: 'same registry' });
    await pushImage(a, 'src/tiny', image, '1.0.0');
    const watch = watchingFetch();
    const client = new RegistryClient({ registry: one.host, fetch: watch.fetch });
    const copied = await copyImage({
      from: { client, repository: 'src/tiny', ref: '1.0.0' },
      to: { client, repository: 'dst/tiny' },
    });
    expect(copied).toMatchObject({
      digest: image.digest,
      mediaType: MediaType.dockerManifest,
      blobs: { mounted: 2, uploaded: 0, skipped: 0 },
      bytes: 0,
      manifests: 1,
    });
    expect(watch.count('POST mount')).toBe(2);
    expect(watch.count('PUT upload')).toBe(0);
    expect(watch.count('GET blob')).toBe(0);
    expect((await a.getManifest('dst/tiny', image.digest)).bytes.equals(image.manifest)).toBe(true);

    const again = await copyImage({
      from: { client, repository: 'src/tiny', ref: image.digest },
      to: { client, repository: 'dst/tiny' },
    });
    expect(again).toMatchObject({ digest: image.digest, blobs: { mounted: 0, uploaded: 0, skipped: 0 }, manifests: 0 });
  });

  test('copies an OCI index whole by mounts: both children, then the index bytes', async () => {
    const index = await pushIndex(a, 'src/multi', { version: '2.0.0', tag: '2.0.0' });
    const watch = watchingFetch();
    const client = new RegistryClient({ registry: one.host, fetch: watch.fetch });
    const copied = await copyImage({
      from: { client, repository: 'src/multi', ref: '2.0.0' },
      to: { client, repository: 'dst/multi' },
    });
    expect(copied).toMatchObject({
      digest: index.digest,
      mediaType: MediaType.ociIndex,
      blobs: { mounted: 4, uploaded: 0 },
      manifests: 3,
    });
    expect(watch.count('PUT upload')).toBe(0);
    expect((await a.getManifest('dst/multi', index.digest)).bytes.equals(index.bytes)).toBe(true);
  });
});

describe('copyImage across two registries', () => {
  test('streams every blob (no mount), in a stream not a buffer (and not teed by fetch), and keeps the digest', async () => {
    const image = tinyImage({ note: 'cross registry' });
    await pushImage(a, 'src/cross', image, '1.0.0');
    const watch = watchingFetch();
    const from = new RegistryClient({ registry: one.host, fetch: watch.fetch });
    const to = new RegistryClient({ registry: two.host, fetch: watch.fetch });
    const copied = await copyImage({
      from: { client: from, repository: 'src/cross', ref: '1.0.0' },
      to: { client: to, repository: 'dst/cross' },
    });
    const size = image.config.bytes.length + image.layer.bytes.length;
    expect(copied).toMatchObject({
      digest: image.digest,
      blobs: { mounted: 0, uploaded: 2, skipped: 0 },
      bytes: size,
      manifests: 1,
    });
    expect(watch.count('POST mount')).toBe(0);
    expect(watch.stats).toMatchObject({ streamedBodies: 2, bufferedBodies: 0, teeProof: 2 });
    expect((await b.getManifest('dst/cross', image.digest)).bytes.equals(image.manifest)).toBe(true);
  });

  test('a blob already at the destination is not read from the source', async () => {
    const image = tinyImage({ note: 'half there' });
    await pushImage(a, 'src/half', image, '1.0.0');
    await b.uploadBlob('dst/half', image.layer.descriptor.digest, image.layer.bytes, image.layer.bytes.length);
    const watch = watchingFetch();
    const from = new RegistryClient({ registry: one.host, fetch: watch.fetch });
    const copied = await copyImage({
      from: { client: from, repository: 'src/half', ref: '1.0.0' },
      to: { client: b, repository: 'dst/half' },
    });
    expect(copied.blobs).toEqual({ mounted: 0, uploaded: 1, skipped: 1 });
    expect(watch.calls.filter((c) => c.startsWith('GET blob'))).toEqual([
      `GET blob /v2/src/half/blobs/${image.config.descriptor.digest}`,
    ]);
  });

  test('at most `concurrency` blobs travel at once', async () => {
    const image = await pushLayeredImage(
      a,
      'src/layers',
      [40_000, 50_000, 60_000, 70_000, 80_000, 90_000],
      '1.0.0',
      '1.0.0',
    );
    const watch = watchingFetch();
    const to = new RegistryClient({ registry: two.host, fetch: watch.fetch });
    const copied = await copyImage({
      from: { client: a, repository: 'src/layers', ref: '1.0.0' },
      to: { client: to, repository: 'dst/layers' },
      concurrency: 2,
    });
    expect(copied.blobs.uploaded).toBe(7);
    expect(copied.digest).toBe(image.digest);
    expect(watch.stats.maxActive).toBeLessThanOrEqual(2);
    expect(watch.stats.maxActive).toBe(2);
  });

  test('a multi-platform OCI index with a referrer (tag schema) arrives whole with the same index digest', async () => {
    const index = await pushIndex(a, 'src/oci', { version: '3.0.0', tag: '3.0.0', note: 'oci' });
    const subject = { mediaType: index.mediaType, digest: index.digest, size: index.bytes.length };
    const sbom = await pushReferrer(a, 'src/oci', subject, { tagSchema: true });
    const copied = await copyImage({
      from: { client: a, repository: 'src/oci', ref: '3.0.0' },
      to: { client: b, repository: 'dst/oci' },
    });
    // 2 children + index + referrer + the referrer tag; blobs: 2 x (config + layer) + empty config + SBOM.
    expect(copied).toMatchObject({
      digest: index.digest,
      referrers: 1,
      manifests: 5,
      blobs: { uploaded: 6, mounted: 0 },
    });
    expect((await b.getManifest('dst/oci', index.digest)).bytes.equals(index.bytes)).toBe(true);
    for (const child of [index.amd64, index.arm64])
      expect((await b.headManifest('dst/oci', child.digest))?.digest).toBe(child.digest);
    expect((await b.getManifest('dst/oci', sbom.digest)).bytes.equals(sbom.bytes)).toBe(true);
    const tag = referrersTag(index.digest);
    expect((await b.getManifest('dst/oci', tag)).bytes.equals((await a.getManifest('src/oci', tag)).bytes)).toBe(true);
  });

  test('a Docker manifest list keeps its digest too', async () => {
    const list = await pushIndex(a, 'src/list', { version: '1.0.0', tag: '1.0.0', docker: true, note: 'list' });
    const copied = await copyImage({
      from: { client: a, repository: 'src/list', ref: '1.0.0' },
      to: { client: b, repository: 'dst/list' },
    });
    expect(copied).toMatchObject({ digest: list.digest, mediaType: MediaType.dockerManifestList, manifests: 3 });
  });

  test('referrers listed by the referrers API are copied and indexed under the tag schema where the API is missing', async () => {
    const image = tinyImage({ oci: true, note: 'api referrers' });
    await pushImage(a, 'src/api', image, '1.0.0');
    const sbom = await pushReferrer(a, 'src/api', {
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
    });
    // Registry 2.8 has no referrers API: answer it for the source as a 1.1 registry would.
    const api: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname !== `/v2/src/api/referrers/${image.digest}`) return fetch(input, init);
      const body = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [sbom.descriptor] });
      return new Response(body, { status: 200, headers: { 'content-type': MediaType.ociIndex } });
    };
    const from = new RegistryClient({ registry: one.host, fetch: api });
    const copied = await copyImage({
      from: { client: from, repository: 'src/api', ref: '1.0.0' },
      to: { client: b, repository: 'dst/api' },
    });
    expect(copied).toMatchObject({ digest: image.digest, referrers: 1, manifests: 3 });
    const tagIndex = JSON.parse((await b.getManifest('dst/api', referrersTag(image.digest))).bytes.toString()) as {
      manifests: { digest: string }[];
    };
    expect(tagIndex.manifests.map((m) => m.digest)).toEqual([sbom.digest]);
  });

  test('a blob whose bytes do not match its digest fails the copy and never lands at the destination', async () => {
    const image = tinyImage({ note: 'corrupted on the way' });
    await pushImage(a, 'src/bad', image, '1.0.0');
    const layer = image.layer.descriptor.digest;
    const corrupting = watchingFetch((url, response) => {
      if (!url.pathname.endsWith(`/blobs/${layer}`) || !response.body) return response;
      let first = true;
      const flip = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const copy = new Uint8Array(chunk);
          if (first && copy.length > 0) copy[0] = (copy[0] ?? 0) ^ 0xff;
          first = false;
          controller.enqueue(copy);
        },
      });
      return new Response(response.body.pipeThrough(flip), { status: response.status, headers: response.headers });
    });
    const from = new RegistryClient({ registry: one.host, fetch: corrupting.fetch, retry: () => undefined });
    const error = await failure(
      copyImage({
        from: { client: from, repository: 'src/bad', ref: '1.0.0' },
        to: { client: b, repository: 'dst/bad' },
      }),
    );
    expect(error.code).toBe('registry-digest-mismatch');
    expect(error.message).toContain(layer);
    expect(await b.headBlob('dst/bad', layer)).toBeUndefined();
    expect(await b.headManifest('dst/bad', image.digest)).toBeUndefined();
  });

  test('refuses a concurrency below 1', async () => {
    const error = await failure(
      copyImage({
        from: { client: a, repository: 'src/tiny', ref: '1.0.0' },
        to: { client: b, repository: 'dst/x' },
        concurrency: 0,
      }),
    );
    expect(error.code).toBe('copy-option-invalid');
  });
});
