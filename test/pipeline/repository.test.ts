import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { publish } from '../../src/pipeline/publish.js';
import { MemoryLogger } from '../../src/logger.js';
import { buildModule, FIXTURE_MODULES } from '../support/images.js';
import { startHubServer, type HubServer } from '../support/hub-server.js';
import { startCuttableProxy, type CuttableProxy } from '../support/tcp-proxy.js';

const registryHost = inject('registryHost');
const login = { username: 'acme', password: 'hub-secret-0042' };
let hub: HubServer;
let proxy: CuttableProxy;
let imageId: string;
let stateDir: string;
/** Hub requests already made when the registry saw the first upload of each publish. */
const hubRequestsAtFirstUpload: number[] = [];

beforeAll(async () => {
  hub = await startHubServer({
    users: [{ username: login.username, secrets: [login.password] }],
    repositories: [{ namespace: 'acme', name: 'already-public', isPrivate: false }],
  });
  let uploading = false;
  proxy = await startCuttableProxy(registryHost, (chunk) => {
    const upload = /^(POST|PUT|PATCH) \/v2\/\S+\/(blobs\/uploads|manifests)\//.test(chunk.toString('latin1', 0, 200));
    if (upload && !uploading) hubRequestsAtFirstUpload.push(hub.state.requests.length);
    uploading ||= upload;
    return false;
  });
  // A small image: the busybox fixture that passes nothing matters here, only the push order.
  imageId = await buildModule(path.join(FIXTURE_MODULES, 'smoke-output-empty'), 'busybox');
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'mmk-state-repo-'));
});
afterAll(async () => {
  await proxy.close();
  await hub.close();
  await rm(stateDir, { recursive: true, force: true });
});

const publishTo = (
  name: string,
  repository: Parameters<typeof publish>[0]['repository'],
  extra: Partial<Parameters<typeof publish>[0]> = {},
) =>
  publish({
    image: `${proxy.host}/acme/${name}`,
    version: '1.0.0',
    source: imageId,
    skipValidate: true,
    validationDir: stateDir,
    credentials: login,
    repository: { hubUrl: hub.url, ...repository },
    ...extra,
  });

describe('repository visibility on Docker Hub', () => {
  it('creates a private repository BEFORE the first push', async () => {
    const result = await publishTo('private-blur', { visibility: 'private' });
    expect(result.repository).toMatchObject({ managed: 'docker-hub', visibility: 'private', created: true });
    const create = hub.state.requests.findIndex(
      (r) => r.method === 'POST' && r.path === '/v2/namespaces/acme/repositories',
    );
    expect(create).toBeGreaterThanOrEqual(0);
    expect(hub.state.requests[create]?.body).toMatchObject({ name: 'private-blur', is_private: true });
    expect(hubRequestsAtFirstUpload[0]).toBeGreaterThan(create);
    expect(hub.state.repositories.get('acme/private-blur')?.isPrivate).toBe(true);
  });

  it('refuses to publish a private module into a public repository, pushing nothing', async () => {
    const before = hubRequestsAtFirstUpload.length;
    const error = await publishTo('already-public', { visibility: 'private' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'hub-visibility-mismatch', kind: 'refused' });
    expect(hubRequestsAtFirstUpload.length).toBe(before);
    expect(hub.state.repositories.get('acme/already-public')?.isPrivate).toBe(false);
    expect(JSON.stringify(error) + String(error)).not.toContain(login.password);
  });

  it('changes the visibility when told to', async () => {
    const result = await publishTo('already-public', { visibility: 'private', changeVisibility: true });
    expect(result.repository).toMatchObject({ visibilityChanged: true });
    expect(hub.state.repositories.get('acme/already-public')?.isPrivate).toBe(true);
  });

  it('refuses a first push with no visibility asked (it would be created public)', async () => {
    await expect(publishTo('never-seen', {})).rejects.toMatchObject({ code: 'visibility-required' });
    expect(hub.state.repositories.has('acme/never-seen')).toBe(false);
  });

  it('a dry run only reads and says what it would do', async () => {
    const writes = () => hub.state.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    const result = await publishTo('dry-blur', { visibility: 'public' }, { dryRun: true });
    expect(result.repository?.note).toBe('would create acme/dry-blur as public before the first push');
    expect(writes()).toBe(before + 1); // the login POST only
  });
});

describe('visibility on other registries', () => {
  it('is said to be the registry’s business, not pretended', async () => {
    const logger = new MemoryLogger();
    const result = await publish({
      image: `${registryHost}/acme/elsewhere`,
      version: '1.0.0',
      source: imageId,
      skipValidate: true,
      validationDir: stateDir,
      repository: { visibility: 'private' },
      logger,
    });
    expect(result.repository?.managed).toBe('registry');
    expect(
      logger.lines.some((l) => l.level === 'warn' && /visibility is 127\.0\.0\.1:\d+'s business/.test(l.message)),
    ).toBe(true);
  });
});
