import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { publish } from '../../src/pipeline/publish.js';
import { release } from '../../src/pipeline/release.js';
import { RegistryClient } from '../../src/registry/client.js';
import { baseArgs, EXAMPLE_MODULE } from '../support/images.js';
import { startCuttableProxy } from '../support/tcp-proxy.js';

const registryHost = inject('registryHost');
const authRegistryHost = inject('authRegistryHost');
const credentials = inject('registryCredentials');
let validationDir: string;

beforeAll(async () => {
  validationDir = await mkdtemp(path.join(os.tmpdir(), 'mmk-state-release-'));
});
afterAll(async () => {
  await rm(validationDir, { recursive: true, force: true });
});

function releaseExample(image: string, version: string, extra: Partial<Parameters<typeof release>[0]> = {}) {
  return release({
    dir: EXAMPLE_MODULE,
    image,
    version,
    buildArgs: baseArgs('python'),
    validationDir,
    timeoutSeconds: 120,
    ...extra,
  });
}

async function tagDigests(image: string, tags: string[]): Promise<Record<string, string | undefined>> {
  const [host = '', ...rest] = image.split('/');
  const client = new RegistryClient({ registry: host, credentials });
  const out: Record<string, string | undefined> = {};
  for (const tag of tags) out[tag] = (await client.headManifest(rest.join('/'), tag))?.digest;
  return out;
}

describe('release: build -> validate -> publish with forward-only floating tags', () => {
  it('moves 1, 1.0, 1.1, 2 and latest only forward over 1.0.0, 1.1.0, 1.0.1, 2.0.0-rc.1, 2.0.0', async () => {
    const image = `${registryHost}/e2e/blur`;
    const digest: Record<string, string> = {};
    const floating = ['1', '1.0', '1.1', '2', 'latest'];
    const expectations: [version: string, where: Record<string, string | undefined>][] = [
      ['1.0.0', { '1': '1.0.0', '1.0': '1.0.0', '1.1': undefined, '2': undefined, latest: '1.0.0' }],
      ['1.1.0', { '1': '1.1.0', '1.0': '1.0.0', '1.1': '1.1.0', '2': undefined, latest: '1.1.0' }],
      ['1.0.1', { '1': '1.1.0', '1.0': '1.0.1', '1.1': '1.1.0', '2': undefined, latest: '1.1.0' }],
      ['2.0.0-rc.1', { '1': '1.1.0', '1.0': '1.0.1', '1.1': '1.1.0', '2': undefined, latest: '1.1.0' }],
      ['2.0.0', { '1': '1.1.0', '1.0': '1.0.1', '1.1': '1.1.0', '2': '2.0.0', latest: '2.0.0' }],
    ];
    for (const [version, where] of expectations) {
      const report = await releaseExample(image, version);
      expect(report.ok, `release ${version}`).toBe(true);
      digest[version] = report.publish?.digest ?? '';
      expect(digest[version]).toMatch(/^sha256:/);
      const now = await tagDigests(image, [version, ...floating]);
      expect(now[version]).toBe(digest[version]);
      for (const tag of floating) {
        const expected = where[tag];
        expect(now[tag], `after ${version}: ${tag} should point at ${expected ?? 'nothing'}`).toBe(
          expected ? digest[expected] : undefined,
        );
      }
    }
    // All five releases are different images: the version label differs.
    expect(new Set(Object.values(digest)).size).toBe(5);
  });

  it('re-publishing the same image under the same version is a no-op; another image is refused', async () => {
    const image = `${registryHost}/e2e/immutable`;
    const first = await releaseExample(image, '3.1.0');
    expect(first.ok).toBe(true);
    const again = await publish({ image, version: '3.1.0', source: first.build.imageId, validationDir });
    expect(again.alreadyPublished).toBe(true);
    expect(again.digest).toBe(first.publish?.digest);
    const changed = releaseExample(image, '3.1.0', { labels: { 'org.opencontainers.image.description': 'changed' } });
    await expect(changed).rejects.toMatchObject({ code: 'version-exists', kind: 'refused' });
    expect((await tagDigests(image, ['3.1.0']))['3.1.0']).toBe(first.publish?.digest);
  });

  it('refuses to publish an image that never passed validate, unless told', async () => {
    const image = `${registryHost}/e2e/unvalidated`;
    const built = await releaseExample(image, '0.1.0', { dryRun: true });
    const fresh = await mkdtemp(path.join(os.tmpdir(), 'mmk-state-empty-'));
    try {
      await expect(
        publish({ image, version: '0.1.0', source: built.build.imageId, validationDir: fresh }),
      ).rejects.toMatchObject({ code: 'not-validated' });
      const forced = await publish({
        image,
        version: '0.1.0',
        source: built.build.imageId,
        validationDir: fresh,
        skipValidate: true,
      });
      expect(forced.skipValidate).toBe(true);
      expect(forced.tags.map((t) => t.tag)).toEqual(['0.1.0', '0.1', 'latest']);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('dry run prints the plan and pushes nothing', async () => {
    const image = `${registryHost}/e2e/dry`;
    const report = await releaseExample(image, '1.2.3', { dryRun: true });
    expect(report.publish?.dryRun).toBe(true);
    expect(report.publish?.plan.tags.map((t) => t.tag)).toEqual(['1.2.3', '1.2', '1', 'latest']);
    expect(await tagDigests(image, ['1.2.3', 'latest'])).toEqual({ '1.2.3': undefined, latest: undefined });
  });

  it('publishes to a private registry with the right login and refuses a wrong one clearly', async () => {
    const image = `${authRegistryHost}/private/blur`;
    const ok = await releaseExample(image, '1.0.0', { credentials });
    expect(ok.publish?.tags.map((t) => t.tag)).toEqual(['1.0.0', '1.0', '1', 'latest']);
    const wrong = { username: credentials.username, password: `${credentials.password}-wrong` };
    const error = await publish({
      image,
      version: '1.0.0',
      source: ok.build.imageId,
      validationDir,
      credentials: wrong,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'registry-auth' });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(wrong.password);
  });

  it('a push cut off by the registry going away moves no floating tag', async () => {
    let armed = false;
    const proxy = await startCuttableProxy(
      registryHost,
      (chunk) => armed && /^(PATCH|PUT) \/v2\/[^ ]+\/blobs\/uploads\//.test(chunk.toString('latin1', 0, 200)),
    );
    try {
      const image = `${proxy.host}/e2e/cut`;
      const first = await releaseExample(image, '1.0.0');
      expect(first.ok).toBe(true);
      armed = true;
      const second = releaseExample(image, '1.1.0', {
        labels: { 'org.opencontainers.image.description': 'a new layer' },
      });
      await expect(second).rejects.toMatchObject({ kind: 'environment' });
      const after = await tagDigests(`${registryHost}/e2e/cut`, ['1.0.0', '1.1.0', '1', '1.1', 'latest']);
      expect(after).toEqual({
        '1.0.0': first.publish?.digest,
        '1.1.0': undefined,
        '1': first.publish?.digest,
        '1.1': undefined,
        latest: first.publish?.digest,
      });
    } finally {
      await proxy.close();
    }
  });
});
