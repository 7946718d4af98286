import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { fakeSecret } from '../hub/hub-fixture.js';
import { buildModule, EXAMPLE_MODULE, FIXTURE_MODULES } from '../support/images.js';
import { startHubServer, type HubServer } from '../support/hub-server.js';

// publish and release through the CLI against a Hub stand-in that checks token scopes as Hub does:
// a "Read & Write" token creates and pushes, only "Read, Write, Delete" changes repository settings.
const registryHost = inject('registryHost');
const readWrite = fakeSecret();
const readWriteDelete = fakeSecret();
let hub: HubServer;
let imageId: string;
let work: string;
let readme: string;

beforeAll(async () => {
  hub = await startHubServer({
    users: [
      {
        username: 'hubset',
        secrets: [
          { secret: readWrite, scopes: ['repo:read', 'repo:write'] },
          { secret: readWriteDelete, scopes: ['repo:admin'] },
        ],
      },
    ],
  });
  imageId = await buildModule(path.join(FIXTURE_MODULES, 'smoke-output-empty'), 'busybox');
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-hub-settings-'));
  readme = path.join(work, 'README.md');
  await writeFile(readme, '# Blur\n\nA Gaussian blur for mercure.\n');
});
afterAll(async () => {
  await hub.close();
  await rm(work, { recursive: true, force: true });
});

const env = (password: string) => ({
  MERCURE_MODULE_STATE_DIR: work,
  MERCURE_HUB_API_URL: hub.url,
  MERCURE_REGISTRY_USERNAME: 'hubset',
  MERCURE_REGISTRY_PASSWORD: password,
});
const publish = (name: string, version: string, password: string, flags: string[]) =>
  runCli(
    [
      'publish',
      '--image',
      `${registryHost}/hubset/${name}`,
      '--version',
      version,
      '--source',
      imageId,
      '--skip-validate',
      ...flags,
    ],
    env(password),
  );
const tags = async (name: string) => {
  const response = await fetch(`http://${registryHost}/v2/hubset/${name}/tags/list`);
  return response.ok ? ((await response.json()) as { tags: string[] }).tags.sort() : [];
};

describe('publish with a Read & Write token', () => {
  it('creates the repository private with its description and README before the first push', async () => {
    const done = await publish('rw-blur', '1.0.0', readWrite, [
      '--visibility',
      'private',
      '--description',
      'Gaussian blur',
      '--readme',
      readme,
    ]);
    expect(done.stderr).not.toMatch(/error/i);
    expect(done.code).toBe(0);
    expect(hub.state.repositories.get('hubset/rw-blur')).toMatchObject({
      isPrivate: true,
      description: 'Gaussian blur',
      fullDescription: '# Blur\n\nA Gaussian blur for mercure.\n',
    });
  });

  it('is refused a new description with a 403 that names the scope, and pushes nothing', async () => {
    const refused = await publish('rw-blur', '1.0.1', readWrite, ['--visibility', 'private', '--description', 'v2']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('403');
    expect(refused.stderr).toContain('"Read, Write, Delete" scope');
    expect(refused.stderr).toContain('a "Read & Write" token gets 403 there');
    expect(refused.stderr + refused.stdout).not.toContain(readWrite);
    expect(hub.state.repositories.get('hubset/rw-blur')?.description).toBe('Gaussian blur');
    expect(await tags('rw-blur')).not.toContain('1.0.1');
  });

  it('is refused --change-visibility the same way, and the repository stays private', async () => {
    const refused = await publish('rw-blur', '1.0.1', readWrite, ['--visibility', 'public', '--change-visibility']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('make repository hubset/rw-blur public');
    expect(refused.stderr).toContain('"Read, Write, Delete"');
    expect(hub.state.repositories.get('hubset/rw-blur')?.isPrivate).toBe(true);
    expect(await tags('rw-blur')).not.toContain('1.0.1');
  });
});

describe('publish with a Read, Write, Delete token', () => {
  it('updates the description alone (no --visibility) on an existing repository', async () => {
    const done = await publish('rw-blur', '1.0.1', readWriteDelete, ['--description', 'Gaussian blur, sigma in mm']);
    expect(done.code).toBe(0);
    expect(hub.state.repositories.get('hubset/rw-blur')).toMatchObject({
      isPrivate: true,
      description: 'Gaussian blur, sigma in mm',
    });
    expect(await tags('rw-blur')).toContain('1.0.1');
  });

  it('changes the visibility through a redirected privacy call, still as a POST with its body', async () => {
    const privacy = '/v2/repositories/hubset/rw-blur/privacy';
    hub.state.redirects.push({ status: 301, match: (_m, p) => p === privacy, count: 1 });
    const mark = hub.state.requests.length;
    const done = await publish('rw-blur', '1.0.2', readWriteDelete, ['--visibility', 'public', '--change-visibility']);
    expect(done.code).toBe(0);
    const sent = hub.state.requests.slice(mark).filter((r) => r.path === privacy);
    expect(sent.map((r) => [r.method, r.status, r.body])).toEqual([
      ['POST', 301, { is_private: false }],
      ['POST', 200, { is_private: false }],
    ]);
    expect(hub.state.repositories.get('hubset/rw-blur')?.isPrivate).toBe(false);
  });
});

describe('release', () => {
  it('creates the repository with its README through release too', async () => {
    const released = await runCli(
      [
        'release',
        EXAMPLE_MODULE,
        '--image',
        `${registryHost}/hubset/released`,
        '--version',
        'v1.0.0',
        '--build-arg',
        'BASE_IMAGE=mmk-base/python-pydicom:bookworm',
        '--visibility',
        'private',
        '--readme',
        readme,
      ],
      env(readWrite),
    );
    expect(released.code).toBe(0);
    expect(hub.state.repositories.get('hubset/released')).toMatchObject({
      isPrivate: true,
      fullDescription: '# Blur\n\nA Gaussian blur for mercure.\n',
    });
    expect(await tags('released')).toContain('1.0.0');
  });
});
