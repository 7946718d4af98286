// Logins users already have, against the suite's htpasswd registry: the Docker config's auths and
// real credential helpers (shell scripts on PATH) for publish, status, registry-entry and promote.
import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, inject, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { publish, status } from '../../src/index.js';
import { startTokenRegistry, type TokenRegistry } from '../registry/token-service.js';
import { loginWorld, type LoginWorld } from './helpers.js';

const host = inject('authRegistryHost');
const credentials = inject('registryCredentials');
const SOURCE = 'mmk-base/busybox:static';
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

let stateDir: string;
let world: LoginWorld;
beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'mmk-state-login-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(async () => {
  world = await loginWorld();
});
afterEach(async () => {
  await world.remove();
});

/** The CLI with the world's Docker config and helpers, no login in the environment. */
function cli(args: string[], extra: Record<string, string | undefined> = {}) {
  return runCli(args, {
    MERCURE_MODULE_STATE_DIR: stateDir,
    MERCURE_REGISTRY_USERNAME: undefined,
    MERCURE_REGISTRY_PASSWORD: undefined,
    ...world.env,
    ...extra,
  });
}

const publishArgs = (repository: string) => [
  'publish',
  '--image',
  `${host}/${repository}`,
  '--version',
  '1.0.0',
  '--source',
  SOURCE,
  '--skip-validate',
];

describe('logins from the Docker config reach the registry', () => {
  it('publishes with an auths entry, says so, and leaves the config as it was', async () => {
    await world.writeConfig({
      auths: { [`https://${host}`]: { auth: basic(credentials.username, credentials.password) } },
    });
    const before = await readFile(path.join(world.configDir, 'config.json'));
    const result = await cli(publishArgs('login/auths'));
    expect(result.stderr).toContain(`login for ${host}: user ${credentials.username} from the Docker config`);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(credentials.password);
    expect(await readFile(path.join(world.configDir, 'config.json'))).toEqual(before);
    expect(await readdir(world.configDir)).toEqual(['config.json']);
  });

  it('publishes, reads status and builds a registry entry with a credential helper', async () => {
    await world.helper('mmk-reg', [host], credentials.username, credentials.password);
    await world.writeConfig({ credHelpers: { [host]: 'mmk-reg' } });
    const published = await cli(publishArgs('login/helper'));
    expect(published.stderr).toContain(
      `login for ${host}: user ${credentials.username} from credential helper mmk-reg`,
    );
    expect(published.code).toBe(0);
    expect(published.stdout + published.stderr).not.toContain(credentials.password);

    const current = await cli(['status', `${host}/login/helper:1`, '--json']);
    expect(current.code).toBe(0);
    expect(JSON.parse(current.stdout)).toMatchObject({ tag: '1', follows: 'floating' });
    const entry = await cli([
      'registry-entry',
      '--image',
      `${host}/login/helper`,
      '--name',
      'helper',
      '--description',
      'a module',
      '--github-url',
      'https://github.com/acme/helper',
    ]);
    expect(entry.code).toBe(0);
    expect(entry.stdout).toContain('1.0.0');
    expect((await readFile(world.askedLog, 'utf8')).split('\n').filter(Boolean)).toEqual([host, host, host]);
  });

  it('promotes with the helper logging in at both source and target', async () => {
    await world.helper('mmk-both', [host], credentials.username, credentials.password);
    await world.writeConfig({ credsStore: 'mmk-both' });
    expect((await cli(publishArgs('login/staging'))).code).toBe(0);
    const promoted = await cli([
      'promote',
      `${host}/login/staging:1.0.0`,
      '--to',
      `${host}/login/prod`,
      '--version',
      '1.0.0',
      '--skip-validate',
    ]);
    expect(promoted.code).toBe(0);
    const said = promoted.stderr.split('\n').filter((l) => l.includes('from credential helper mmk-both'));
    expect(said).toHaveLength(2);
    expect(promoted.stdout + promoted.stderr).not.toContain(credentials.password);
  });

  it('lets MERCURE_REGISTRY_* win over a wrong login in the Docker config', async () => {
    await world.writeConfig({ auths: { [host]: { auth: basic(credentials.username, 'wrong-password') } } });
    const refused = await cli(publishArgs('login/explicit'));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`refused the credentials for user ${credentials.username}`);
    const given = await cli(publishArgs('login/explicit'), {
      MERCURE_REGISTRY_USERNAME: credentials.username,
      MERCURE_REGISTRY_PASSWORD: credentials.password,
    });
    expect(given.code).toBe(0);
    expect(given.stderr).not.toContain('from the Docker config');
    expect(given.stderr).toContain(`login for ${host}: user ${credentials.username} from MERCURE_REGISTRY_USERNAME`);
  });

  it('stops with a clear message, exit 3 and no stack trace when the helper fails', async () => {
    await world.rawHelper('mmk-broken', 'echo "the keyring is locked" >&2; exit 1');
    await world.writeConfig({ credHelpers: { [host]: 'mmk-broken' } });
    const result = await cli(publishArgs('login/broken'));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('credential helper mmk-broken failed (exit code 1): the keyring is locked');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('an identity token from the Docker config', () => {
  let tokens: TokenRegistry;
  beforeAll(async () => {
    tokens = await startTokenRegistry({ username: 'robot', password: 'pw-robot', refreshToken: 'refresh-robot' });
    await publish({
      image: `${tokens.registry.host}/login/token`,
      version: '1.0.0',
      source: SOURCE,
      skipValidate: true,
      credentials: { username: 'robot', password: 'pw-robot' },
      dockerConfig: false,
    });
  });
  afterAll(async () => {
    await tokens.stop();
  });

  it('is exchanged at the token service (OAuth refresh_token), never sent as a password', async () => {
    await world.writeConfig({
      auths: { [tokens.registry.host]: { auth: basic('robot', ''), identitytoken: 'refresh-robot' } },
    });
    const seen = tokens.requests.length;
    const found = await status(`${tokens.registry.host}/login/token:1.0.0`, { env: world.env });
    expect(found.tag).toBe('1.0.0');
    const asked = tokens.requests.slice(seen);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((r) => r.grant === 'refresh_token' && r.user === undefined)).toBe(true);

    await world.writeConfig({ auths: { [tokens.registry.host]: { identitytoken: 'stale' } } });
    await expect(status(`${tokens.registry.host}/login/token:1.0.0`, { env: world.env })).rejects.toThrow(
      /refused the credentials/,
    );
  });
});
