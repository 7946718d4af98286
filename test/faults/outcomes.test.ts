// The judge of the fault tests must itself catch what it is there to catch: a failed run that
// moved a floating tag, a tag moved backwards, a tag on a half-pushed image, an error that is not
// a ModuleError. Real states of the suite's registry, made by hand.
import { describe, expect, inject, test } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { RegistryClient } from '../../src/registry/client.js';
import { pushImage, tinyImage } from '../registry/image-fixture.js';
import { judge, readState } from './outcomes.js';

const host = inject('registryHost');
const client = new RegistryClient({ registry: host });
const clean = new ModuleError('registry-server-error', 'registry answered HTTP 503', { kind: 'environment' });

describe('judging a run under faults', () => {
  test('catches a failed run that moved a floating tag, and a floating tag moved backwards', async () => {
    const repository = 'judge/moved';
    const old = await pushImage(client, repository, tinyImage({ version: '1.0.0', note: 'judge old' }), '1.0.0');
    const newer = await pushImage(client, repository, tinyImage({ version: '1.1.0', note: 'judge new' }), '1.1.0');
    const image = tinyImage({ version: '1.0.0', note: 'judge old' });
    await client.putManifest(repository, 'latest', image.manifest, image.mediaType);
    const before = await readState(host, repository);
    expect(before.tags.get('latest')).toBe(old);
    const newerImage = tinyImage({ version: '1.1.0', note: 'judge new' });
    await client.putManifest(repository, 'latest', newerImage.manifest, newerImage.mediaType);
    const after = await readState(host, repository);
    expect((await judge(host, repository, before, after, { error: clean, version: '1.1.0' })).problems).toEqual([
      'failed, yet floating tag latest moved',
    ]);
    // And the other way: latest from 1.1.0 back to 1.0.0, by a run that "completed".
    const back = await judge(host, repository, after, before, {
      result: { version: '1.0.0', digest: old, tags: [{ tag: 'latest', digest: old }] },
      version: '1.0.0',
    });
    expect(back.outcome).toBe('inconsistent');
    expect(back.problems).toContain('latest moved from 1.1.0 to 1.0.0');
    expect(newer).not.toBe(old);
  });

  test('catches a tag on a half-pushed image and an error that is not a ModuleError', async () => {
    const repository = 'judge/half';
    const before = await readState(host, repository);
    const image = tinyImage({ version: '2.0.0', note: 'judge half' });
    const digest = await pushImage(client, repository, image, '2.0.0');
    // The layer goes (the registry allows deletes): the tag now names a half-there image.
    const deleted = await fetch(`http://${host}/v2/${repository}/blobs/${image.layer.descriptor.digest}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(202);
    const after = await readState(host, repository);
    const judged = await judge(host, repository, before, after, {
      error: new TypeError('fetch failed'),
      version: '2.0.0',
    });
    expect(judged.outcome).toBe('inconsistent');
    expect(judged.problems).toEqual([
      `2.0.0 points at ${digest}, which is not complete`,
      'failed with something that is not a ModuleError: TypeError: fetch failed',
    ]);
  });
});
