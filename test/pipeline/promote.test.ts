import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { promote, type PromoteOptions } from '../../src/pipeline/promote.js';
import { RegistryClient } from '../../src/registry/client.js';
import { referrersTag } from '../../src/registry/copy.js';
import { MemoryLogger } from '../../src/logger.js';
import { pushImage, tinyImage } from '../registry/image-fixture.js';
import { pushIndex, pushReferrer } from '../registry/index-fixture.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { moduleFailure as failure } from '../support/failure.js';

const credentials = { username: 'promoter', password: `pw-${randomBytes(12).toString('hex')}` };
let one: TestRegistry;
let two: TestRegistry;
let locked: TestRegistry;
let a: RegistryClient;
let b: RegistryClient;

beforeAll(async () => {
  [one, two, locked] = await Promise.all([startRegistry(), startRegistry(), startRegistry({ auth: credentials })]);
  a = new RegistryClient({ registry: one.host });
  b = new RegistryClient({ registry: two.host });
});
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop(), locked?.stop()]);
});

/** A fetch that counts requests by kind: `POST mount`, `PUT upload`, `PUT manifest`, ... */
function countingFetch() {
  const calls: string[] = [];
  const counting: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const kind = url.search.includes('mount=')
      ? 'mount'
      : url.pathname.includes('/blobs/uploads/')
        ? 'upload'
        : url.pathname.includes('/manifests/')
          ? 'manifest'
          : 'other';
    calls.push(`${method} ${kind}`);
    return fetch(input, init);
  };
  return { fetch: counting, calls, count: (what: string) => calls.filter((c) => c === what).length };
}

/** A revalidate that answers `ok` and records the references it was asked about. */
function revalidator(ok = true) {
  const asked: string[] = [];
  return { asked, revalidate: async (reference: string) => (asked.push(reference), ok) };
}

async function tagsAt(
  client: RegistryClient,
  repository: string,
  tags: string[],
): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const tag of tags) out[tag] = (await client.headManifest(repository, tag))?.digest;
  return out;
}

async function staged(client: RegistryClient, repository: string, version: string, note = repository): Promise<string> {
  const image = tinyImage({ version, note: `${note} ${version}` });
  return pushImage(client, repository, image, version);
}

describe('promote', () => {
  test('within one registry: same digest, blobs mounted (none uploaded), the re-validated reference pinned, every tag read back', async () => {
    const digest = await staged(a, 'staging/blur', '1.1.0');
    const watch = countingFetch();
    const check = revalidator();
    const result = await promote({
      from: `${one.host}/staging/blur:1.1.0`,
      to: `${one.host}/prod/blur`,
      version: '1.1.0',
      revalidate: check.revalidate,
      fetch: watch.fetch,
    });
    expect(check.asked).toEqual([`${one.host}/staging/blur@${digest}`]);
    expect(result).toMatchObject({
      digest,
      source: `${one.host}/staging/blur@${digest}`,
      image: `${one.host}/prod/blur`,
      blobs: { mounted: 2, uploaded: 0 },
      bytes: 0,
    });
    expect(watch.count('POST mount')).toBe(2);
    expect(watch.count('PUT upload')).toBe(0);
    expect(result.tags.map((t) => [t.tag, t.digest])).toEqual(['1.1.0', '1.1', '1', 'latest'].map((t) => [t, digest]));
    expect(await tagsAt(a, 'prod/blur', ['1.1.0', '1.1', '1', 'latest'])).toEqual({
      '1.1.0': digest,
      '1.1': digest,
      '1': digest,
      latest: digest,
    });
  });

  test('across two registries: same digest, zero mounts', async () => {
    const digest = await staged(a, 'staging/cross', '2.0.0');
    const watch = countingFetch();
    const result = await promote({
      from: `${one.host}/staging/cross:2.0.0`,
      to: `${two.host}/acme/cross`,
      version: '2.0.0',
      revalidate: revalidator().revalidate,
      fetch: watch.fetch,
    });
    expect(result).toMatchObject({ digest, blobs: { mounted: 0, uploaded: 2 } });
    expect(watch.count('POST mount')).toBe(0);
    expect((await b.headManifest('acme/cross', '2.0.0'))?.digest).toBe(digest);
  });

  test('forward-only at the destination: 1.1.0 then 1.0.1 leaves 1 and latest on 1.1.0; the same again is a no-op', async () => {
    const newer = await staged(a, 'staging/fwd', '1.1.0');
    const older = await staged(a, 'staging/fwd', '1.0.1');
    const base = { to: `${two.host}/acme/fwd`, revalidate: revalidator().revalidate };
    await promote({ ...base, from: `${one.host}/staging/fwd:1.1.0`, version: '1.1.0' });
    const second = await promote({ ...base, from: `${one.host}/staging/fwd:1.0.1`, version: '1.0.1' });
    expect(second.tags.map((t) => t.tag)).toEqual(['1.0.1', '1.0']);
    expect(second.skipped.map((s) => s.tag)).toEqual(['1', 'latest']);
    expect(second.skipped[0]?.reason).toContain('1 not moved: 1.1.0 is published and newer than 1.0.1');
    expect(await tagsAt(b, 'acme/fwd', ['1', 'latest', '1.1', '1.0', '1.0.1'])).toEqual({
      '1': newer,
      latest: newer,
      '1.1': newer,
      '1.0': older,
      '1.0.1': older,
    });

    const watch = countingFetch();
    const again = await promote({
      ...base,
      from: `${one.host}/staging/fwd:1.0.1`,
      version: '1.0.1',
      fetch: watch.fetch,
    });
    expect(again).toMatchObject({ alreadyPromoted: true, blobs: { uploaded: 0, mounted: 0 }, manifests: 0 });
    expect(watch.count('PUT upload') + watch.count('PUT manifest')).toBe(0);
  });

  test('a version tag holding another digest is refused, like publish; nothing moves', async () => {
    await staged(a, 'staging/clash', '1.0.0', 'first');
    await staged(a, 'staging/clash2', '1.0.0', 'second');
    const base = { to: `${two.host}/acme/clash`, version: '1.0.0', revalidate: revalidator().revalidate };
    const first = await promote({ ...base, from: `${one.host}/staging/clash:1.0.0` });
    const error = await failure(promote({ ...base, from: `${one.host}/staging/clash2:1.0.0` }));
    expect(error).toMatchObject({ code: 'version-exists', kind: 'refused' });
    expect(error.message).toContain(`${two.host}/acme/clash:1.0.0 already exists with another image (${first.digest}`);
    expect(await tagsAt(b, 'acme/clash', ['1.0.0', 'latest'])).toEqual({ '1.0.0': first.digest, latest: first.digest });
  });

  test('dry run resolves and plans but sends no write and runs no re-validation', async () => {
    await staged(a, 'staging/dry', '0.3.0');
    const watch = countingFetch();
    const check = revalidator();
    const result = await promote({
      from: `${one.host}/staging/dry:0.3.0`,
      to: `${two.host}/acme/dry`,
      version: '0.3.0',
      dryRun: true,
      revalidate: check.revalidate,
      fetch: watch.fetch,
    });
    expect(result.dryRun).toBe(true);
    expect(result.plan.tags.map((t) => t.tag)).toEqual(['0.3.0', '0.3', 'latest']);
    expect(watch.calls.filter((c) => !c.startsWith('GET') && !c.startsWith('HEAD'))).toEqual([]);
    expect(check.asked).toEqual([]);
    expect(await b.listTags('acme/dry')).toEqual([]);
  });

  test('a failed re-validation refuses before anything is copied', async () => {
    await staged(a, 'staging/broken', '1.0.0');
    const check = revalidator(false);
    const error = await failure(
      promote({
        from: `${one.host}/staging/broken:1.0.0`,
        to: `${two.host}/acme/broken`,
        version: '1.0.0',
        revalidate: check.revalidate,
      }),
    );
    expect(error).toMatchObject({ code: 'not-validated', kind: 'refused' });
    expect(check.asked).toHaveLength(1);
    expect(await b.listTags('acme/broken')).toEqual([]);
  });

  test('skipValidate promotes without asking, with a warning', async () => {
    await staged(a, 'staging/skip', '1.0.0');
    const logger = new MemoryLogger();
    const check = revalidator();
    const result = await promote({
      from: `${one.host}/staging/skip:1.0.0`,
      to: `${two.host}/acme/skip`,
      version: '1.0.0',
      skipValidate: true,
      revalidate: check.revalidate,
      logger,
    });
    expect(result.skipValidate).toBe(true);
    expect(check.asked).toEqual([]);
    expect(logger.lines).toContainEqual({ level: 'warn', message: expect.stringContaining('WITHOUT re-validation') });
  });

  test('without --version the image label gives it; a different version is promoted with a warning', async () => {
    await staged(a, 'staging/label', '4.2.0');
    const byLabel = await promote({
      from: `${one.host}/staging/label:4.2.0`,
      to: `${two.host}/acme/label`,
      skipValidate: true,
    });
    expect(byLabel.version).toBe('4.2.0');
    const logger = new MemoryLogger();
    await promote({
      from: `${one.host}/staging/label:4.2.0`,
      to: `${two.host}/acme/label2`,
      version: '4.2.1',
      skipValidate: true,
      logger,
    });
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: expect.stringContaining('as 4.2.1, but its version label is "4.2.0"'),
    });
  });

  test('a multi-platform OCI index with a referrer is promoted whole: the index digest is what every tag holds', async () => {
    const index = await pushIndex(a, 'staging/multi', { version: '3.0.0', tag: '3.0.0', note: 'promote multi' });
    const sbom = await pushReferrer(
      a,
      'staging/multi',
      { mediaType: index.mediaType, digest: index.digest, size: index.bytes.length },
      { tagSchema: true },
    );
    const result = await promote({
      from: `${one.host}/staging/multi:3.0.0`,
      to: `${two.host}/acme/multi`,
      revalidate: revalidator().revalidate,
    });
    expect(result).toMatchObject({ digest: index.digest, version: '3.0.0' });
    expect(await tagsAt(b, 'acme/multi', ['3.0.0', '3.0', '3', 'latest'])).toEqual({
      '3.0.0': index.digest,
      '3.0': index.digest,
      '3': index.digest,
      latest: index.digest,
    });
    expect((await b.getManifest('acme/multi', sbom.digest)).digest).toBe(sbom.digest);
    expect(await b.headManifest('acme/multi', referrersTag(index.digest))).toBeDefined();
  });

  test('a private source with its login; a wrong password fails clearly and is nowhere in the error or the log', async () => {
    const lockedClient = new RegistryClient({ registry: locked.host, credentials });
    const digest = await staged(lockedClient, 'staging/private', '1.0.0');
    const options: PromoteOptions = {
      from: `${locked.host}/staging/private:1.0.0`,
      to: `${one.host}/acme/private`,
      version: '1.0.0',
      skipValidate: true,
    };
    const ok = await promote({ ...options, source: { credentials } });
    expect(ok.digest).toBe(digest);

    const wrong = `${credentials.password}-wrong`;
    const logger = new MemoryLogger();
    const error = await failure(
      promote({
        ...options,
        to: `${one.host}/acme/private2`,
        source: { credentials: { ...credentials, password: wrong } },
        logger,
      }),
    );
    expect(error).toMatchObject({ code: 'registry-auth', kind: 'environment' });
    expect(error.message).toContain(`registry ${locked.host} refused the credentials for user ${credentials.username}`);
    for (const view of [
      error.message,
      error.hint ?? '',
      JSON.stringify(error),
      error.stack ?? '',
      inspect(error, { depth: 10 }),
      JSON.stringify(logger.lines),
    ]) {
      expect(view).not.toContain(wrong);
      expect(view).not.toContain(Buffer.from(`${credentials.username}:${wrong}`).toString('base64'));
    }
  });

  test('a private destination with its login', async () => {
    const digest = await staged(a, 'staging/to-private', '1.2.0');
    const result = await promote({
      from: `${one.host}/staging/to-private:1.2.0`,
      to: `${locked.host}/acme/blur`,
      version: '1.2.0',
      skipValidate: true,
      target: { credentials },
    });
    expect(result.tags.map((t) => t.digest)).toEqual([digest, digest, digest, digest]);
  });

  test('a source tag that does not exist names the tags there are; a source without tag is refused', async () => {
    await staged(a, 'staging/missing', '1.0.0');
    const error = await failure(
      promote({ from: `${one.host}/staging/missing:9.9.9`, to: `${two.host}/acme/missing`, skipValidate: true }),
    );
    expect(error.code).toBe('tag-not-found');
    expect(error.message).toBe(`${one.host}/staging/missing:9.9.9 does not exist; existing tags: 1.0.0`);
    const untagged = await failure(
      promote({ from: `${one.host}/staging/missing`, to: `${two.host}/acme/missing`, skipValidate: true }),
    );
    expect(untagged.code).toBe('source-needs-tag');
    const tagged = await failure(
      promote({ from: `${one.host}/staging/missing:1.0.0`, to: `${two.host}/acme/missing:1.0.0`, skipValidate: true }),
    );
    expect(tagged.code).toBe('image-has-tag');
  });
});
