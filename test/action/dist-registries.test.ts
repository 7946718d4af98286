// The bundled action under Node 24 across registries: a promotion from a staging registry with one
// login to a release registry with another, a first release to a Docker Hub repository that does
// not exist yet (created with the asked visibility before anything is pushed), and the bare
// version output of validate and publish on a tag push.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { startHubServer, type HubServer } from '../support/hub-server.js';
import { BASE_IMAGES, EXAMPLE_MODULE, FIXTURE_MODULES, REPO_ROOT } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { startCuttableProxy, type CuttableProxy } from '../support/tcp-proxy.js';
import { node24, withActionRun } from './support.js';

const registryHost = inject('registryHost');
const stagingHost = inject('authRegistryHost');
const stagingLogin = inject('registryCredentials');
const releaseLogin = { username: 'release-bot', password: 'release-only-7781' };
const relative = (dir: string) => path.relative(REPO_ROOT, dir);
const blur = { context: relative(EXAMPLE_MODULE), 'build-args': `BASE_IMAGE=${BASE_IMAGES.python}`, timeout: '120' };

let releaseRegistry: TestRegistry;
let stateDir: string;

beforeAll(async () => {
  await node24();
  // A second registry behind htpasswd, with a login the staging registry does not know.
  releaseRegistry = await startRegistry({ auth: releaseLogin });
  // One validation record folder for the release and the publish after it, as in one job.
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'mmk-action-state-'));
}, 300_000);
afterAll(async () => {
  await releaseRegistry.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const staged = { image: `${stagingHost}/action-registries/blur-staging`, digest: '' };

describe('the bundled action across registries', () => {
  it('releases v1.2.3 to staging, then publish (dry run) of the same image on the tag writes version 1.2.3', async () => {
    const env = { MERCURE_MODULE_STATE_DIR: stateDir };
    const release = await withActionRun(
      { ref: 'refs/tags/v1.2.3', env, inputs: { command: 'release', image: staged.image, ...stagingLogin, ...blur } },
      (r) => Promise.resolve(r),
    );
    expect(release.code, release.stdout).toBe(0);
    staged.digest = release.outputs['digest'] ?? '';
    const publish = await withActionRun(
      {
        ref: 'refs/tags/v1.2.3',
        env,
        inputs: { command: 'publish', image: staged.image, 'dry-run': 'true', ...stagingLogin },
      },
      (r) => Promise.resolve(r),
    );
    expect(publish.code, publish.stdout).toBe(0);
    expect(publish.outputs['version']).toBe('1.2.3');
    expect(publish.outputs['tags']?.split('\n')[0]).toBe(`${staged.image}:1.2.3`);
  }, 300_000);

  it('promotes from staging (one login) to a release registry (another login), sending each login only to its registry', async () => {
    expect(staged.digest, 'the release case ran first').toMatch(/^sha256:/);
    const target = `${releaseRegistry.host}/acme/blur`;
    const promote = (inputs: Record<string, string>) =>
      withActionRun(
        {
          ref: 'refs/tags/v1.2.3',
          eventName: 'release',
          event: { action: 'published', release: { tag_name: 'v1.2.3' } },
          inputs: { command: 'promote', 'promote-from': staged.image, image: target, timeout: '120', ...inputs },
        },
        (r) => Promise.resolve(r),
      );
    // Without a source login the release login is not offered to the staging registry: refused there.
    const withoutSource = await promote({ ...releaseLogin });
    expect(withoutSource.code, withoutSource.stdout).toBe(3);
    expect(withoutSource.stdout).toMatch(new RegExp(`^::error::.*${stagingHost.replace(/\./g, '\\.')}`, 'm'));

    const result = await promote({
      ...releaseLogin,
      'source-username': stagingLogin.username,
      'source-password': stagingLogin.password,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['digest']).toBe(staged.digest);
    expect(result.outputs['version']).toBe('1.2.3');
    expect(result.outputs['tags']).toBe(['1.2.3', '1.2', '1', 'latest'].map((t) => `${target}:${t}`).join('\n'));
    const client = new RegistryClient({ registry: releaseRegistry.host, credentials: releaseLogin });
    for (const tag of ['1.2.3', '1.2', '1', 'latest'])
      expect((await client.headManifest('acme/blur', tag))?.digest).toBe(staged.digest);
    for (const secret of [stagingLogin.password, releaseLogin.password]) {
      expect(
        result.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
      ).not.toContain(secret);
      expect(result.summary + result.outputsFile).not.toContain(secret);
    }
  }, 300_000);

  it('validate on a tag push writes the bare version (1.2.3, not refs/tags/v1.2.3), even when the module fails', async () => {
    const result = await withActionRun(
      {
        ref: 'refs/tags/v1.2.3',
        inputs: {
          command: 'validate',
          context: relative(path.join(FIXTURE_MODULES, 'smoke-output-empty')),
          'build-args': `BASE_IMAGE=${BASE_IMAGES.busybox}`,
          timeout: '60',
        },
      },
      (r) => Promise.resolve(r),
    );
    expect(result.code).toBe(1);
    expect(result.outputs['version']).toBe('1.2.3');
  }, 300_000);
});

describe('a first release to a Docker Hub repository that does not exist yet', () => {
  const hubLogin = { username: 'acme', password: 'dckr_pat_rw_0001' };
  let hub: HubServer;
  let proxy: CuttableProxy;
  /** Hub requests already answered when the registry saw the first upload. */
  let hubRequestsAtFirstUpload: number | undefined;

  beforeAll(async () => {
    // A Read & Write access token: enough to create a repository and push, as Hub's docs say.
    hub = await startHubServer({
      users: [{ username: 'acme', secrets: [{ secret: hubLogin.password, scopes: ['repo:write'] }] }],
    });
    proxy = await startCuttableProxy(registryHost, (chunk) => {
      const upload = /^(POST|PUT|PATCH) \/v2\/\S+\/(blobs\/uploads|manifests)\//.test(chunk.toString('latin1', 0, 200));
      if (upload && hubRequestsAtFirstUpload === undefined) hubRequestsAtFirstUpload = hub.state.requests.length;
      return false;
    });
  });
  afterAll(async () => {
    await proxy.close();
    await hub.close();
  }, 300_000);

  it('with visibility: private is created private on Hub before anything is pushed', async () => {
    const image = `${proxy.host}/acme/blur-hub-new`;
    const result = await withActionRun(
      {
        ref: 'refs/tags/v0.1.0',
        env: { MERCURE_HUB_API_URL: hub.url },
        inputs: { command: 'release', image, visibility: 'private', ...hubLogin, ...blur },
      },
      (r) => Promise.resolve(r),
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['tags']).toBe(`${image}:0.1.0\n${image}:0.1\n${image}:latest`);
    expect(hub.state.repositories.get('acme/blur-hub-new')?.isPrivate).toBe(true);
    const create = hub.state.requests.findIndex(
      (r) => r.method === 'POST' && r.path === '/v2/namespaces/acme/repositories',
    );
    expect(create).toBeGreaterThanOrEqual(0);
    expect(hub.state.requests[create]?.body).toMatchObject({ name: 'blur-hub-new', is_private: true });
    expect(hubRequestsAtFirstUpload, 'the registry saw an upload').toBeDefined();
    expect(hubRequestsAtFirstUpload).toBeGreaterThan(create);
  }, 300_000);

  it('promote into a missing Hub repository without visibility is refused, and nothing is copied', async () => {
    expect(staged.digest, 'the staging release ran first').toMatch(/^sha256:/);
    const result = await withActionRun(
      {
        ref: 'refs/tags/v1.2.3',
        env: { MERCURE_HUB_API_URL: hub.url },
        inputs: {
          command: 'promote',
          'promote-from': staged.image,
          image: `${registryHost}/acme/blur-hub-promoted`,
          'source-username': stagingLogin.username,
          'source-password': stagingLogin.password,
          timeout: '120',
          ...hubLogin,
        },
      },
      (r) => Promise.resolve(r),
    );
    expect(result.code, result.stdout).toBe(2);
    expect(result.stdout).toMatch(/^::error::acme\/blur-hub-promoted does not exist on Docker Hub yet/m);
    expect(hub.state.repositories.has('acme/blur-hub-promoted')).toBe(false);
    expect(await new RegistryClient({ registry: registryHost }).listTags('acme/blur-hub-promoted')).toEqual([]);
  }, 300_000);
});
