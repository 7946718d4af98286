import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isModuleError, type ModuleError } from '../../src/errors.js';
import { RegistryClient } from '../../src/registry/client.js';
import { MediaType, parseManifest, sha256Digest } from '../../src/registry/manifest.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { pushImage, tinyImage } from './image-fixture.js';

/** A fetch that records what it sends (method and path) before passing it to the real one. */
function recordingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search.includes('mount=') ? '?mount' : ''}`);
    return fetch(input, init);
  };
  return { fetch: recording, calls };
}

async function failure(promise: Promise<unknown>): Promise<ModuleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isModuleError(error)) throw new Error(`expected a ModuleError, got ${String(error)}`);
  return error;
}

let registry: TestRegistry;
let client: RegistryClient;
const image = tinyImage({ version: '1.2.3' });

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ registry: registry.host });
  await pushImage(client, 'acme/tiny', image, '1.2.3');
});

afterAll(async () => {
  await registry?.stop();
});

describe('manifests and tags on a real registry', () => {
  test('the base URL of a loopback registry is plain http', () => {
    expect(client.baseUrl).toBe(registry.url);
  });

  test('lists the pushed tag', async () => {
    expect(await client.listTags('acme/tiny')).toEqual(['1.2.3']);
  });

  test('a repository that does not exist has no tags', async () => {
    expect(await client.listTags('acme/never-pushed')).toEqual([]);
  });

  test('HEAD and GET give the sha256 of the exact bytes we put', async () => {
    const head = await client.headManifest('acme/tiny', '1.2.3');
    expect(head).toEqual({ digest: image.digest, mediaType: MediaType.dockerManifest, size: image.manifest.length });
    const got = await client.getManifest('acme/tiny', '1.2.3');
    expect(got.bytes.equals(image.manifest)).toBe(true);
    expect(got.digest).toBe(sha256Digest(image.manifest));
    expect(got.mediaType).toBe(MediaType.dockerManifest);
    expect((await client.getManifest('acme/tiny', image.digest)).bytes.equals(image.manifest)).toBe(true);
  });

  test('HEAD of a missing tag is undefined, GET of it is registry-not-found naming the registry code', async () => {
    expect(await client.headManifest('acme/tiny', 'nope')).toBeUndefined();
    const error = await failure(client.getManifest('acme/tiny', 'nope'));
    expect(error.code).toBe('registry-not-found');
    expect(error.message).toContain('MANIFEST_UNKNOWN');
    expect(error.message).toContain(`registry ${registry.host} answered HTTP 404 to GET manifest acme/tiny:nope`);
  });

  test('the same manifest bytes under another tag keep the digest and upload no blob', async () => {
    const recorder = recordingFetch();
    const watched = new RegistryClient({ registry: registry.host, fetch: recorder.fetch });
    const got = await watched.getManifest('acme/tiny', '1.2.3');
    const digest = await watched.putManifest('acme/tiny', '1.2', got.bytes, got.mediaType);
    expect(digest).toBe(image.digest);
    expect(recorder.calls).toEqual(['GET /v2/acme/tiny/manifests/1.2.3', 'PUT /v2/acme/tiny/manifests/1.2']);
    expect((await client.headManifest('acme/tiny', '1.2'))?.digest).toBe(image.digest);
    expect((await client.listTags('acme/tiny')).sort()).toEqual(['1.2', '1.2.3']);
  });

  test('reads the config labels', async () => {
    const got = await client.getManifest('acme/tiny', '1.2.3');
    const config = await client.getConfig('acme/tiny', got);
    expect(config.config?.Labels?.['org.opencontainers.image.version']).toBe('1.2.3');
    expect(config.architecture).toBe('amd64');
  });

  test('a manifest naming a blob the repository lacks is rejected with the registry code', async () => {
    const other = tinyImage({ note: 'blobs never uploaded' });
    const error = await failure(client.putManifest('acme/tiny', 'broken', other.manifest, other.mediaType));
    expect(error.code).toBe('registry-rejected');
    expect(error.message).toContain('MANIFEST_BLOB_UNKNOWN');
    expect(await client.headManifest('acme/tiny', 'broken')).toBeUndefined();
  });

  test('deletes a manifest by digest', async () => {
    const doomed = tinyImage({ note: 'doomed' });
    const digest = await pushImage(client, 'acme/doomed', doomed, 'x');
    await client.deleteManifest('acme/doomed', digest);
    expect(await client.headManifest('acme/doomed', digest)).toBeUndefined();
    expect(await client.headManifest('acme/doomed', 'x')).toBeUndefined();
  });

  test('follows Link pagination (2.8 sends one page; the fetch splits the real list the way distribution 3 does)', async () => {
    await pushImage(client, 'acme/paged', image, 'a');
    for (const tag of ['b', 'c', 'd']) await client.putManifest('acme/paged', tag, image.manifest, image.mediaType);
    const pages: string[] = [];
    const paging: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const response = await fetch(input, init);
      if (!url.pathname.endsWith('/tags/list')) return response;
      pages.push(url.search);
      const all = ((await response.json()) as { tags: string[] }).tags.sort();
      const n = Number(url.searchParams.get('n'));
      const last = url.searchParams.get('last');
      const page = all.filter((t) => last === null || t > last).slice(0, n);
      const headers = new Headers({ 'content-type': 'application/json' });
      if (page.length === n && page.at(-1) !== all.at(-1)) {
        headers.set('link', `</v2/acme/paged/tags/list?last=${page.at(-1)}&n=${n}>; rel="next"`);
      }
      return new Response(JSON.stringify({ name: 'acme/paged', tags: page }), { status: 200, headers });
    };
    const paged = new RegistryClient({ registry: registry.host, fetch: paging });
    expect(await paged.listTags('acme/paged', 3)).toEqual(['a', 'b', 'c', 'd']);
    expect(pages).toEqual(['?n=3', '?last=c&n=3']);
  });
});

describe('blobs on a real registry', () => {
  test('HEAD and GET a blob; the stream carries the exact bytes', async () => {
    expect(await client.headBlob('acme/tiny', image.layer.descriptor.digest)).toEqual({
      size: image.layer.bytes.length,
    });
    expect(await client.headBlob('acme/tiny', sha256Digest(Buffer.from('absent')))).toBeUndefined();
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getBlob('acme/tiny', image.layer.descriptor.digest))
      chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(image.layer.bytes)).toBe(true);
  });

  test('uploading a blob that is there already sends nothing', async () => {
    const { digest, size } = image.config.descriptor;
    expect(await client.uploadBlob('acme/tiny', digest, image.config.bytes, size)).toBe('exists');
  });

  test('uploads a blob from a stream', async () => {
    const bytes = Buffer.from(`streamed ${'x'.repeat(200_000)}`);
    const digest = sha256Digest(bytes);
    const stream = Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
    expect(await client.uploadBlob('acme/streamed', digest, stream, bytes.length)).toBe('uploaded');
    expect(await client.headBlob('acme/streamed', digest)).toEqual({ size: bytes.length });
  });

  test('refuses a Buffer whose digest is not the one given, before sending anything', async () => {
    const recorder = recordingFetch();
    const watched = new RegistryClient({ registry: registry.host, fetch: recorder.fetch });
    const error = await failure(
      watched.uploadBlob('acme/tiny', image.layer.descriptor.digest, Buffer.from('other'), 5),
    );
    expect(error.code).toBe('registry-digest-mismatch');
    expect(recorder.calls).toEqual([]);
  });

  test('mounts a blob from another repository of the same registry', async () => {
    const recorder = recordingFetch();
    const watched = new RegistryClient({ registry: registry.host, fetch: recorder.fetch });
    const { digest } = image.layer.descriptor;
    expect(await watched.headBlob('acme/copy', digest)).toBeUndefined();
    expect(await watched.mountBlob('acme/copy', digest, 'acme/tiny')).toBe('mounted');
    expect(await watched.headBlob('acme/copy', digest)).toEqual({ size: image.layer.bytes.length });
    expect(recorder.calls.filter((c) => c.startsWith('PUT') || c.startsWith('PATCH'))).toEqual([]);
  });

  test('a mount from a repository without the blob starts an upload, which is cancelled', async () => {
    const digest = sha256Digest(Buffer.from('nowhere'));
    expect(await client.mountBlob('acme/copy', digest, 'acme/tiny')).toBe('upload-started');
    expect(await client.headBlob('acme/copy', digest)).toBeUndefined();
  });
});

describe('an OCI index with two child manifests', () => {
  test('is stored and copied to another repository byte for byte', async () => {
    const amd = tinyImage({ oci: true, architecture: 'amd64', note: 'amd' });
    const arm = tinyImage({ oci: true, architecture: 'arm64', note: 'arm' });
    await pushImage(client, 'acme/multi', amd);
    await pushImage(client, 'acme/multi', arm);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          {
            mediaType: MediaType.ociManifest,
            digest: amd.digest,
            size: amd.manifest.length,
            platform: { architecture: 'amd64', os: 'linux' },
          },
          {
            mediaType: MediaType.ociManifest,
            digest: arm.digest,
            size: arm.manifest.length,
            platform: { architecture: 'arm64', os: 'linux' },
          },
        ],
      }),
    );
    const digest = await client.putManifest('acme/multi', '2.0.0', index, MediaType.ociIndex);
    expect(digest).toBe(sha256Digest(index));

    // Copy as-is: blobs by mount, children by digest, then the index bytes unchanged.
    const source = await client.getManifest('acme/multi', '2.0.0');
    expect(source.mediaType).toBe(MediaType.ociIndex);
    const parsed = parseManifest(source.bytes, 'acme/multi:2.0.0');
    if (!('manifests' in parsed)) throw new Error('expected an index');
    for (const child of parsed.manifests) {
      const bytes = await client.getManifest('acme/multi', child.digest);
      const childManifest = parseManifest(bytes.bytes, child.digest);
      if (!('layers' in childManifest)) throw new Error('expected an image manifest');
      for (const blob of [childManifest.config, ...childManifest.layers]) {
        expect(await client.mountBlob('acme/multi-copy', blob.digest, 'acme/multi')).toBe('mounted');
      }
      expect(await client.putManifest('acme/multi-copy', child.digest, bytes.bytes, bytes.mediaType)).toBe(
        child.digest,
      );
    }
    expect(await client.putManifest('acme/multi-copy', '2.0.0', source.bytes, source.mediaType)).toBe(digest);
    const copied = await client.getManifest('acme/multi-copy', '2.0.0');
    expect(copied.bytes.equals(index)).toBe(true);
    expect((await client.headManifest('acme/multi-copy', '2.0.0'))?.mediaType).toBe(MediaType.ociIndex);
    const armConfig = await client.getConfig(
      'acme/multi-copy',
      await client.getManifest('acme/multi-copy', arm.digest),
    );
    expect(armConfig.architecture).toBe('arm64');
    await expect(client.getConfig('acme/multi-copy', copied)).rejects.toMatchObject({
      code: 'registry-config-of-index',
    });
  });
});
