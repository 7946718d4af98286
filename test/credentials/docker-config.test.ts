import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDockerConfig } from '../../src/credentials/build-config.js';
import { dockerConfigLogin, helperGet } from '../../src/credentials/index.js';
import { ModuleError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { prepareRepository } from '../../src/pipeline/access/repository.js';
import { loginWorld, type LoginWorld } from './helpers.js';

let world: LoginWorld;
beforeEach(async () => {
  world = await loginWorld();
});
afterEach(async () => {
  await world.remove();
});

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
const asked = async () => (await readFile(world.askedLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** The error dockerConfigLogin throws (it must throw a ModuleError). */
async function failure(registry: string, options: { helperTimeoutMs?: number } = {}): Promise<ModuleError> {
  const error: unknown = await dockerConfigLogin(registry, { env: world.env, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModuleError);
  return error as ModuleError;
}

describe('logins from the Docker config', () => {
  it('is undefined without a config file, or without an entry for the registry', async () => {
    expect(await dockerConfigLogin('127.0.0.1:5000', { env: world.env })).toBeUndefined();
    await world.writeConfig({ auths: { 'ghcr.io': { auth: basic('a', 'b') } } });
    expect(await dockerConfigLogin('127.0.0.1:5000', { env: world.env })).toBeUndefined();
  });

  it.each([
    ['dc01 host as written', '127.0.0.1:5000', '127.0.0.1:5000'],
    ['dc02 with https:// in front', 'https://127.0.0.1:5000', '127.0.0.1:5000'],
    ['dc03 with http:// and /v2/', 'http://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
    ['dc04 Docker Hub as docker login writes it', 'https://index.docker.io/v1/', 'docker.io'],
    ['dc05 Docker Hub as docker.io', 'docker.io', 'docker.io'],
    ['dc06 Docker Hub as registry-1.docker.io', 'registry-1.docker.io', 'docker.io'],
    ['dc07 Docker Hub as index.docker.io', 'index.docker.io', 'docker.io'],
  ])('%s: an auths entry (base64 user:password) is the login', async (_name, key, registry) => {
    await world.writeConfig({ auths: { [key]: { auth: basic('robot', 'pa:ss') } } });
    expect(await dockerConfigLogin(registry, { env: world.env })).toEqual({
      credentials: { username: 'robot', password: 'pa:ss', origin: 'from the Docker config' },
      origin: 'from the Docker config',
    });
  });

  it('does not take one registry for another with the same prefix', async () => {
    await world.writeConfig({ auths: { '127.0.0.1:50000': { auth: basic('a', 'b') } } });
    expect(await dockerConfigLogin('127.0.0.1:5000', { env: world.env })).toBeUndefined();
  });

  it('reads an identity token as one, never as a password', async () => {
    // docker login writes the user with an empty password beside the token.
    await world.writeConfig({ auths: { 'ghcr.io': { auth: basic('robot', ''), identitytoken: 'refresh-me' } } });
    expect((await dockerConfigLogin('ghcr.io', { env: world.env }))?.credentials).toEqual({
      username: 'robot',
      password: 'refresh-me',
      identityToken: true,
      origin: 'from the Docker config',
    });
  });

  it('refuses an auth that is not base64 of user:password, without quoting it', async () => {
    await world.writeConfig({ auths: { 'ghcr.io': { auth: 'bm9jb2xvbg==' } } });
    const error = await failure('ghcr.io');
    expect(error.message).toBe(
      `the Docker config ${world.configDir}/config.json holds an "auth" for ghcr.io that is not base64 of user:password`,
    );
  });

  it('finds the config at ~/.docker/config.json when DOCKER_CONFIG is not set', async () => {
    await world.writeConfig({ auths: { 'ghcr.io': { auth: basic('robot', 'x') } } });
    const env = { HOME: world.dir, PATH: world.env['PATH'] };
    const { rename } = await import('node:fs/promises');
    await rename(world.configDir, `${world.dir}/.docker`);
    expect((await dockerConfigLogin('ghcr.io', { env }))?.credentials.username).toBe('robot');
  });

  it('refuses a config that is not JSON without quoting it (it may hold a login)', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${world.configDir}/config.json`, '{"auths": {"x": {"auth": "c2VjcmV0LXZhbHVl"}');
    const error = await failure('x');
    expect(error.code).toBe('docker-config-invalid');
    expect(error.message).toContain(`${world.configDir}/config.json`);
    expect(error.message).not.toContain('c2VjcmV0LXZhbHVl');
  });

  it('asks a credHelpers entry before credsStore, and credsStore before the inline auths', async () => {
    await world.helper('mmk-one', ['127.0.0.1:5000'], 'from-one', 's1');
    await world.helper('mmk-store', ['127.0.0.1:5000', 'ghcr.io'], 'from-store', 's2');
    await world.writeConfig({
      auths: { '127.0.0.1:5000': { auth: basic('inline', 'x') }, 'ghcr.io': {} },
      credsStore: 'mmk-store',
      credHelpers: { '127.0.0.1:5000': 'mmk-one' },
    });
    expect(await dockerConfigLogin('127.0.0.1:5000', { env: world.env })).toEqual({
      credentials: { username: 'from-one', password: 's1', origin: 'from credential helper mmk-one' },
      origin: 'from credential helper mmk-one',
    });
    expect(await dockerConfigLogin('ghcr.io', { env: world.env })).toEqual({
      credentials: { username: 'from-store', password: 's2', origin: 'from credential helper mmk-store' },
      origin: 'from credential helper mmk-store',
    });
    expect(await asked()).toEqual(['127.0.0.1:5000', 'ghcr.io']);
  });

  it('asks a helper for Docker Hub under the key docker login uses, then the other spellings', async () => {
    await world.helper('mmk-hub', ['docker.io'], 'hubuser', 'dckr_pat_x');
    await world.writeConfig({ credHelpers: { 'registry-1.docker.io': 'mmk-hub' } });
    expect((await dockerConfigLogin('docker.io', { env: world.env }))?.credentials.username).toBe('hubuser');
    expect(await asked()).toEqual(['https://index.docker.io/v1/', 'index.docker.io', 'docker.io']);
  });

  it('takes a helper answer with Username <token> as an identity token', async () => {
    await world.helper('mmk-tok', ['ghcr.io'], '<token>', 'refresh-me');
    await world.writeConfig({ credsStore: 'mmk-tok' });
    expect((await dockerConfigLogin('ghcr.io', { env: world.env }))?.credentials).toEqual({
      username: '<token>',
      password: 'refresh-me',
      identityToken: true,
      origin: 'from credential helper mmk-tok',
    });
    // Docker Hub's API takes no identity token: said before any request.
    const hubLogin = {
      username: '<token>',
      password: 'refresh-me',
      identityToken: true,
      origin: 'from credential helper mmk-tok',
    };
    await expect(
      prepareRepository(
        { registry: 'docker.io', repository: 'acme/blur', tag: undefined, digest: undefined },
        { visibility: 'private' },
        hubLogin,
        {
          dryRun: false,
          logger: silentLogger,
        },
      ),
    ).rejects.toThrow(
      "the login for Docker Hub from credential helper mmk-tok is an identity token, which Docker Hub's API (repository visibility and description) does not take",
    );
  });

  it('is no login when the configured helper holds none for the registry (as the Docker CLI reads it)', async () => {
    await world.helper('mmk-empty', [], 'x', 'y');
    await world.writeConfig({ credsStore: 'mmk-empty', auths: { 'ghcr.io': { auth: basic('inline', 'x') } } });
    expect(await dockerConfigLogin('ghcr.io', { env: world.env })).toBeUndefined();
  });

  it('names a helper that is not installed', async () => {
    await world.writeConfig({ credsStore: 'mmk-missing' });
    const error = await failure('ghcr.io');
    expect(error.code).toBe('credential-helper');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      'credential helper mmk-missing is not installed (docker-credential-mmk-missing is not on PATH)',
    );
  });

  it('names a helper that fails, with what it said', async () => {
    await world.rawHelper('mmk-fail', 'echo "keychain locked"; exit 3');
    await world.writeConfig({ credsStore: 'mmk-fail' });
    expect((await failure('ghcr.io')).message).toBe('credential helper mmk-fail failed (exit code 3): keychain locked');
  });

  it('names a helper that hangs, and stops waiting for it', async () => {
    await world.rawHelper('mmk-hang', 'exec sleep 60');
    await world.writeConfig({ credsStore: 'mmk-hang' });
    const error = await failure('ghcr.io', { helperTimeoutMs: 300 });
    expect(error.message).toBe('credential helper mmk-hang did not answer within 0.3 s');
  });

  it.each([
    ['dc20 not JSON', 'printf "hunter2-secret"'],
    ['dc21 JSON without a Secret', `printf '{"Username":"u","Password":"hunter2-secret"}'`],
    ['dc22 a JSON string', `printf '"hunter2-secret"'`],
  ])('%s: names a helper answering garbage, without repeating it', async (_name, body) => {
    await world.rawHelper('mmk-garbage', body);
    await world.writeConfig({ credsStore: 'mmk-garbage' });
    const error = await failure('ghcr.io');
    expect(error.message).toMatch(/^credential helper mmk-garbage answered with something that is not a login/);
    expect(`${error.message} ${error.hint ?? ''}`).not.toContain('hunter2');
  });
});

describe('the temporary Docker config that hands our logins to buildx', () => {
  it('names only our helper, holds no secret, answers through the helper protocol and is removed', async () => {
    await mkdir(path.join(world.configDir, 'buildx'));
    await world.writeConfig({
      auths: { 'https://index.docker.io/v1/': { auth: basic('hubuser', 'hub-secret') }, 'ghcr.io': {} },
      credHelpers: { 'ghcr.io': 'mmk-gh', '127.0.0.1:5000': 'mmk-shadowed' },
    });
    const before = await readFile(path.join(world.configDir, 'config.json'), 'utf8');
    const temp = await buildDockerConfig(
      { '127.0.0.1:5000': { username: 'robot', password: 'robot-secret' } },
      world.env,
    );
    const dir = temp.env['DOCKER_CONFIG'] ?? '';
    try {
      expect(dir).not.toBe(world.configDir);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      const file = path.join(dir, 'config.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const text = await readFile(file, 'utf8');
      expect(text).not.toMatch(/robot-secret|hub-secret|aHVi/);
      expect(JSON.parse(text)).toEqual({
        credHelpers: {
          'ghcr.io': 'mmk-gh',
          '127.0.0.1:5000': 'mercure-module-kit',
          'https://index.docker.io/v1/': 'mercure-module-kit',
        },
      });
      // buildx keeps its builders where the user has them.
      expect((await stat(path.join(dir, 'buildx'))).isDirectory()).toBe(true);
      expect(await helperGet('mercure-module-kit', '127.0.0.1:5000', { env: temp.env })).toEqual({
        username: 'robot',
        secret: 'robot-secret',
      });
      expect(await helperGet('mercure-module-kit', 'https://index.docker.io/v1/', { env: temp.env })).toEqual({
        username: 'hubuser',
        secret: 'hub-secret',
      });
      expect(await helperGet('mercure-module-kit', 'quay.io', { env: temp.env })).toBeUndefined();
    } finally {
      await temp.remove();
    }
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    expect(await readFile(path.join(world.configDir, 'config.json'), 'utf8')).toBe(before);
  });
});
