// A publish or promotion stopped (AbortSignal: SIGINT/SIGTERM in the CLI, or a deadline) at each
// point of its way: the error says what was and was not published, no tag moves after the
// interrupt, and the same call run again completes the job.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { publish, type PublishOptions } from '../../src/pipeline/publish.js';
import { promote } from '../../src/pipeline/promote.js';
import { RegistryClient } from '../../src/registry/client.js';
import { pushImage, tinyImage } from '../registry/image-fixture.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { tagsAt, tinyModule, untagPushed } from './support.js';

const host = inject('registryHost');
const TAGS = ['1.3.0', '1.3', '1', 'latest'];
const proxies: FaultProxy[] = [];

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await untagPushed([`${host}/stop/`, ...proxies.map((p) => `${p.host}/`)]);
});

/** A repository where 1.2.3 is out (1, latest on it); returns its digest. */
async function seeded(repository: string): Promise<string> {
  const first = await publish({
    image: `${host}/${repository}`,
    version: '1.2.3',
    source: await tinyModule('1.2.3'),
    skipValidate: true,
  });
  return first.digest ?? '';
}

async function publish130(repository: string, extra: Partial<PublishOptions>) {
  return publish({
    image: `${host}/${repository}`,
    version: '1.3.0',
    source: await tinyModule('1.3.0'),
    skipValidate: true,
    retry: { baseDelayMs: 20 },
    ...extra,
  });
}

/** Every request the wrapped fetch sent after the abort, as `METHOD path`. */
function watched(
  controller: AbortController,
  abortWhen: (method: string, url: string) => 'before' | 'after' | undefined,
) {
  const late: string[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const method = init?.method ?? 'GET';
    const url = String(input);
    if (controller.signal.aborted) late.push(`${method} ${new URL(url).pathname}`);
    const when = abortWhen(method, url);
    if (when === 'before') controller.abort('SIGTERM');
    const response = await fetch(input, init);
    if (when === 'after') controller.abort('SIGTERM');
    return response;
  };
  return { fetch: wrapped, late };
}

async function expectFinishedByRerun(repository: string) {
  const again = await publish130(repository, {});
  expect(await tagsAt(host, repository, TAGS)).toEqual(Object.fromEntries(TAGS.map((t) => [t, again.digest])));
}

describe('publish, interrupted', () => {
  test('before anything is pushed: nothing was published', async () => {
    const repository = 'stop/before';
    const old = await seeded(repository);
    const controller = new AbortController();
    controller.abort('SIGINT');
    await expect(publish130(repository, { signal: controller.signal })).rejects.toMatchObject({
      code: 'interrupted',
      message: `interrupted before pushing ${host}/${repository}:1.3.0: nothing was published`,
    });
    expect(await tagsAt(host, repository, TAGS)).toEqual({
      '1.3.0': undefined,
      '1.3': undefined,
      '1': old,
      latest: old,
    });
  });

  test('while the engine pushes: the version tag may or may not be there, no floating tag moved; a re-run completes', async () => {
    const repository = 'stop/push';
    const old = await seeded(repository);
    const controller = new AbortController();
    const proxy = await startFaultProxy({
      target: host,
      rate: 0,
      seed: 1,
      decide: (request) => {
        if (request.engine && request.method === 'HEAD') controller.abort('SIGTERM');
        return request.engine ? 'delay' : undefined;
      },
    });
    proxies.push(proxy);
    const error = await publish({
      image: `${proxy.host}/${repository}`,
      version: '1.3.0',
      source: await tinyModule('1.3.0'),
      skipValidate: true,
      signal: controller.signal,
      pusher: 'engine',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'interrupted' });
    expect((error as Error).message).toBe(
      `interrupted while pushing ${proxy.host}/${repository}:1.3.0: the version tag may or may not have reached the registry; no floating tag was moved`,
    );
    await proxy.idle(); // anything the engine still had on the way has reached the registry
    expect(await tagsAt(host, repository, ['1.3', '1', 'latest'])).toEqual({ '1.3': undefined, '1': old, latest: old });
    await expectFinishedByRerun(repository);
  });

  test('while our push uploads: the version tag was not written, no floating tag moved; a re-run completes', async () => {
    const repository = 'stop/own-push';
    const old = await seeded(repository);
    const controller = new AbortController();
    const proxy = await startFaultProxy({
      target: host,
      rate: 0,
      seed: 2,
      decide: (request) => {
        if (request.method === 'POST' && request.path.endsWith('/blobs/uploads/')) controller.abort('SIGINT');
        return undefined;
      },
    });
    proxies.push(proxy);
    const error = await publish({
      image: `${proxy.host}/${repository}`,
      version: '1.3.0',
      source: await tinyModule('1.3.0'),
      skipValidate: true,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'interrupted' });
    expect((error as Error).message).toBe(
      `interrupted while pushing ${proxy.host}/${repository}:1.3.0: the version tag was not written; no floating tag was moved`,
    );
    expect(await tagsAt(host, repository, TAGS)).toEqual({
      '1.3.0': undefined,
      '1.3': undefined,
      '1': old,
      latest: old,
    });
    await expectFinishedByRerun(repository);
  });

  test('while our push asks which layers the target has (the export already requested): nothing written, a re-run completes', async () => {
    const repository = 'stop/lookups';
    const old = await seeded(repository);
    const controller = new AbortController();
    // The first blob HEAD is a layer lookup: the Engine's export was asked for before it and is
    // still unread when the interrupt comes; it is closed with the push, and nothing else fails.
    const watch = watched(controller, (method, url) =>
      method === 'HEAD' && /\/blobs\//.test(url) ? 'before' : undefined,
    );
    const error = await publish130(repository, { signal: controller.signal, fetch: watch.fetch }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'interrupted' });
    expect((error as Error).message).toBe(
      `interrupted while pushing ${host}/${repository}:1.3.0: the version tag was not written; no floating tag was moved`,
    );
    expect(await tagsAt(host, repository, TAGS)).toEqual({
      '1.3.0': undefined,
      '1.3': undefined,
      '1': old,
      latest: old,
    });
    expect(watch.late.filter((r) => r.startsWith('PUT') || r.startsWith('PATCH'))).toEqual([]);
    await expectFinishedByRerun(repository);
  });

  test('after the push, before the first floating tag: 1.3.0 is out, 1.3, 1 and latest did not move', async () => {
    const repository = 'stop/after-push';
    const old = await seeded(repository);
    const controller = new AbortController();
    const watch = watched(controller, (method, url) =>
      method === 'GET' && /\/manifests\/sha256:/.test(url) ? 'before' : undefined,
    );
    const error = await publish130(repository, { signal: controller.signal, fetch: watch.fetch }).catch(
      (e: unknown) => e,
    );
    const now = await tagsAt(host, repository, TAGS);
    expect(error).toMatchObject({ code: 'interrupted' });
    expect((error as Error).message).toBe(
      `interrupted: ${host}/${repository}:1.3.0 is pushed (${now['1.3.0']}); not moved: 1.3, 1, latest`,
    );
    expect(now).toEqual({ '1.3.0': expect.stringMatching(/^sha256:/), '1.3': undefined, '1': old, latest: old });
    expect(watch.late.filter((r) => r.startsWith('PUT'))).toEqual([]);
    await expectFinishedByRerun(repository);
  });

  test('between two floating tags: no tag moves after the interrupt, and the message says which did', async () => {
    const repository = 'stop/between';
    const old = await seeded(repository);
    const controller = new AbortController();
    const watch = watched(controller, (method, url) =>
      method === 'PUT' && url.endsWith('/manifests/1.3') ? 'after' : undefined,
    );
    const error = await publish130(repository, { signal: controller.signal, fetch: watch.fetch }).catch(
      (e: unknown) => e,
    );
    const now = await tagsAt(host, repository, TAGS);
    expect((error as Error).message).toBe(
      `interrupted: ${host}/${repository} has 1.3.0, 1.3 on ${now['1.3.0']}; not moved: 1, latest (no tag moves after the interrupt)`,
    );
    expect(error).toMatchObject({
      code: 'interrupted',
      hint: expect.stringContaining('Run the same command again to finish'),
    });
    expect(now).toEqual({ '1.3.0': now['1.3.0'], '1.3': now['1.3.0'], '1': old, latest: old });
    expect(watch.late.filter((r) => r.startsWith('PUT'))).toEqual([]);
    await expectFinishedByRerun(repository);
  });

  test('a deadline says "timed out", and leaves the registry as it was', async () => {
    const repository = 'stop/deadline';
    const old = await seeded(repository);
    const slow: typeof fetch = async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return fetch(input, init);
    };
    const error = await publish130(repository, { signal: AbortSignal.timeout(150), fetch: slow }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'interrupted',
      message: `timed out before pushing ${host}/${repository}:1.3.0: nothing was published`,
    });
    expect(await tagsAt(host, repository, TAGS)).toEqual({
      '1.3.0': undefined,
      '1.3': undefined,
      '1': old,
      latest: old,
    });
  });
});

describe('promote, interrupted', () => {
  test('while copying blobs: no tag set, and a re-run skips what was copied and completes', async () => {
    const client = new RegistryClient({ registry: host });
    const image = tinyImage({ version: '3.0.0', note: 'interrupted promotion' });
    const digest = await pushImage(client, 'stop/staging', image, '3.0.0');
    const controller = new AbortController();
    const watch = watched(controller, (method, url) =>
      method === 'POST' && url.includes('/blobs/uploads/') ? 'after' : undefined,
    );
    const target = await startFaultProxy({ target: host, rate: 0, seed: 2 }); // another host name: blobs stream, no mounts
    proxies.push(target);
    const options = {
      from: `${host}/stop/staging:3.0.0`,
      to: `${target.host}/stop/released`,
      version: '3.0.0',
      revalidate: async () => true,
    };
    const error = await promote({ ...options, signal: controller.signal, fetch: watch.fetch }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'interrupted',
      message: `interrupted while copying to ${target.host}/stop/released: no tag was set; blobs copied so far stay, and a re-run skips them`,
    });
    expect(await tagsAt(host, 'stop/released', ['3.0.0', '3', 'latest'])).toEqual({
      '3.0.0': undefined,
      '3': undefined,
      latest: undefined,
    });
    expect(watch.late.filter((r) => r.includes('/manifests/') && r.startsWith('PUT'))).toEqual([]);
    const again = await promote(options);
    expect(again.digest).toBe(digest);
    expect(await tagsAt(host, 'stop/released', ['3.0.0', '3', 'latest'])).toEqual({
      '3.0.0': digest,
      '3': digest,
      latest: digest,
    });
  });
});
