// Our own push on the real engine and real registries: a first release and a re-release read back
// blob by blob (skopeo, then a pull and a run by the Engine), base layers mounted within a
// registry and copied unchanged across registries.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../../src/pipeline/publish.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { buildLayered, hexOf, pullAndHash, readBack, removeTags, text, weights } from '../../support/pushed-image.js';

let one: TestRegistry;
let two: TestRegistry;
let state: string;
const PREFIX = 'push-test/';

beforeAll(async () => {
  one = await startRegistry();
  two = await startRegistry();
  state = await mkdtemp(path.join(tmpdir(), 'mmk-push-state-'));
});

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await rm(state, { recursive: true, force: true });
  await removeTags([PREFIX]);
});

/** A fresh state folder: no layer cache, so only the registries can say what is there. */
async function freshState(): Promise<string> {
  return mkdtemp(path.join(state, 'run-'));
}

describe('our own push', () => {
  it('publishes a first release and a re-release that read back blob by blob and run after a pull', async () => {
    const model = weights(3_000_000);
    const v1 = await buildLayered(`${PREFIX}first:1`, { weights: model, libs: text(40_000, 'v1') });
    const image = `${one.host}/push/first`;
    const stateDir = await freshState();
    const first = await publish({ image, version: '1.0.0', source: v1, skipValidate: true, layerCacheDir: stateDir });
    expect(first.layers).toEqual({ uploaded: 3, present: 0, mounted: 0, copied: 0 });
    expect(first.imageId).toBe(v1);
    const manifest = await readBack(one.host, 'push/first', '1.0.0', v1);
    expect(first.tags.map((t) => t.tag).sort()).toEqual(['1', '1.0', '1.0.0', 'latest']);
    expect(await new RegistryClient({ registry: one.host }).headManifest('push/first', 'latest')).toMatchObject({
      digest: first.digest,
    });
    expect(await pullAndHash(`${image}:1.0.0`, '/weights')).toBe(hexOf(model));

    // Same weights, new libraries: only the changed layer is uploaded, the rest is found in the target.
    const v2 = await buildLayered(`${PREFIX}first:2`, { weights: model, libs: text(40_000, 'v2') });
    const second = await publish({ image, version: '1.0.1', source: v2, skipValidate: true, layerCacheDir: stateDir });
    expect(second.layers).toEqual({ uploaded: 1, present: 2, mounted: 0, copied: 0 });
    const again = await readBack(one.host, 'push/first', '1.0.1', v2);
    expect(again.layers.slice(0, 2)).toEqual(manifest.layers.slice(0, 2));
    expect(await pullAndHash(`${image}:1.0.1`, '/libs')).toBe(hexOf(text(40_000, 'v2')));

    // Without the cache (a fresh CI machine) the target's latest release tells which layers it holds.
    const third = await publish({
      image,
      version: '1.0.2',
      source: v2,
      skipValidate: true,
      layerCacheDir: await freshState(),
    });
    expect(third.layers).toEqual({ uploaded: 0, present: 3, mounted: 0, copied: 0 });
  });

  it('mounts base layers within one registry and copies them unchanged across registries', async () => {
    await buildLayered(`${PREFIX}base:1`, { weights: weights(2_000_000) });
    const baseImage = `${one.host}/push/base:1.0.0`;
    await publish({
      image: `${one.host}/push/base`,
      version: '1.0.0',
      source: `${PREFIX}base:1`,
      skipValidate: true,
      layerCacheDir: await freshState(),
    });
    const base = await readBack(one.host, 'push/base', '1.0.0', await imageId(`${PREFIX}base:1`));
    const module = await buildLayered(`${PREFIX}module:1`, { libs: text(20_000, 'module') }, `${PREFIX}base:1`);

    const same = await publish({
      image: `${one.host}/push/module`,
      version: '1.0.0',
      source: module,
      skipValidate: true,
      layerCacheDir: await freshState(),
      baseImage,
    });
    expect(same.layers).toEqual({ uploaded: 1, present: 0, mounted: 2, copied: 0 });

    const across = await publish({
      image: `${two.host}/push/module`,
      version: '1.0.0',
      source: module,
      skipValidate: true,
      layerCacheDir: await freshState(),
      baseImage,
    });
    expect(across.layers).toEqual({ uploaded: 1, present: 0, mounted: 0, copied: 2 });
    const copied = await readBack(two.host, 'push/module', '1.0.0', module);
    expect(copied.layers.slice(0, 2)).toEqual(base.layers);
  });
});

async function imageId(reference: string): Promise<string> {
  return (await new Docker().getImage(reference).inspect()).Id;
}
