import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isModuleError, type ModuleError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { RegistryClient } from '../../src/registry/client.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { pushImage, tinyImage } from './image-fixture.js';
import { startTokenRegistry, type TokenRegistry } from './token-service.js';

// A colon and a non-ASCII character, to prove the Basic encoding; random, so no test can guess it.
const password = `s3:cr€t-${randomBytes(9).toString('hex')}`;
const username = 'alice';
const wrongPassword = `wrong-${randomBytes(9).toString('hex')}`;
const image = tinyImage({ note: 'auth' });

async function failure(promise: Promise<unknown>): Promise<ModuleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isModuleError(error)) throw new Error(`expected a ModuleError, got ${String(error)}`);
  return error;
}

/** Every way an error could carry the secret out: message, JSON, stack, inspect, cause. */
function expectNoSecret(error: ModuleError, logger: MemoryLogger, secret: string): void {
  const basic = Buffer.from(`${username}:${secret}`).toString('base64');
  const views = [
    error.message,
    error.hint ?? '',
    JSON.stringify(error),
    error.stack ?? '',
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(logger.lines),
  ];
  for (const view of views) {
    expect(view).not.toContain(secret);
    expect(view).not.toContain(basic);
  }
}

describe('a registry behind htpasswd (HTTP Basic)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: { username, password } });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('correct credentials push and read back', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: { username, password } });
    await client.ping();
    await pushImage(client, 'acme/private', image, '1.0.0');
    expect(await client.listTags('acme/private')).toEqual(['1.0.0']);
    expect((await client.getManifest('acme/private', '1.0.0')).digest).toBe(image.digest);
  });

  test('a wrong password is registry-auth, and the password is nowhere in the error or the log', async () => {
    const logger = new MemoryLogger();
    const client = new RegistryClient({
      registry: registry.host,
      credentials: { username, password: wrongPassword },
      logger,
    });
    const error = await failure(client.listTags('acme/private'));
    expect(error.code).toBe('registry-auth');
    expect(error.kind).toBe('environment');
    expect(error.message).toBe(
      `registry ${registry.host} refused the credentials for user ${username}: check the username and password/token`,
    );
    expectNoSecret(error, logger, wrongPassword);
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(wrongPassword);
    expect(JSON.stringify(client)).not.toContain(wrongPassword);
  });

  test('a push with a wrong password fails the same way', async () => {
    const logger = new MemoryLogger();
    const client = new RegistryClient({
      registry: registry.host,
      credentials: { username, password: wrongPassword },
      logger,
    });
    const error = await failure(pushImage(client, 'acme/private', tinyImage({ note: 'never' }), 'x'));
    expect(error.code).toBe('registry-auth');
    expectNoSecret(error, logger, wrongPassword);
  });

  test('anonymous access is a clear registry-auth error asking for a login', async () => {
    const client = new RegistryClient({ registry: registry.host });
    const error = await failure(client.headManifest('acme/private', '1.0.0'));
    expect(error.code).toBe('registry-auth');
    expect(error.message).toBe(`registry ${registry.host} requires a login and no credentials were given`);
    expect(error.hint).toMatch(/username and a password or access token/);
  });
});

describe('a registry behind a token service (Bearer, like Docker Hub)', () => {
  let service: TokenRegistry;
  let now = Date.now();
  beforeAll(async () => {
    service = await startTokenRegistry({ username, password, expiresIn: 120 });
  });
  afterAll(async () => {
    await service?.stop();
  });

  test('correct credentials fetch a token per scope and reuse it until it nearly expires', async () => {
    const client = new RegistryClient({
      registry: service.registry.host,
      credentials: { username, password },
      now: () => now,
    });
    await pushImage(client, 'acme/hub', image, '1.0.0');
    // Two scopes, two tokens: HEAD blob (pull) learns the challenge, the upload needs pull,push.
    expect(service.requests).toEqual([
      { user: username, account: username, service: 'mmk-test-registry', scopes: ['repository:acme/hub:pull'] },
      { user: username, account: username, service: 'mmk-test-registry', scopes: ['repository:acme/hub:pull,push'] },
    ]);
    expect((await client.getManifest('acme/hub', '1.0.0')).digest).toBe(image.digest);
    expect(await client.listTags('acme/hub')).toEqual(['1.0.0']);
    const afterFirstPull = service.requests.length;
    expect(afterFirstPull).toBe(2); // the pull token is cached
    now += 105_000; // 120 s token, renewed 10 s before it ends
    await client.headManifest('acme/hub', '1.0.0');
    expect(service.requests.length).toBe(afterFirstPull); // still valid at 105 s
    now += 10_000;
    await client.headManifest('acme/hub', '1.0.0');
    expect(service.requests.length).toBe(afterFirstPull + 1);
  });

  test('a mount asks for pull on the source repository as well', async () => {
    const client = new RegistryClient({ registry: service.registry.host, credentials: { username, password } });
    expect(await client.mountBlob('acme/hub-copy', image.layer.descriptor.digest, 'acme/hub')).toBe('mounted');
    expect(service.requests.at(-1)?.scopes).toEqual(
      expect.arrayContaining(['repository:acme/hub-copy:pull,push', 'repository:acme/hub:pull']),
    );
  });

  test('a wrong password is refused by the token service: registry-auth, no password anywhere', async () => {
    const logger = new MemoryLogger();
    const client = new RegistryClient({
      registry: service.registry.host,
      credentials: { username, password: wrongPassword },
      logger,
    });
    const error = await failure(client.getManifest('acme/hub', '1.0.0'));
    expect(error.code).toBe('registry-auth');
    expect(error.message).toBe(
      `registry ${service.registry.host} refused the credentials for user ${username}: check the username and password/token`,
    );
    expectNoSecret(error, logger, wrongPassword);
  });

  test('anonymous gets a token without access and then a clear registry-auth error', async () => {
    const before = service.requests.length;
    const client = new RegistryClient({ registry: service.registry.host });
    const error = await failure(client.getManifest('acme/hub', '1.0.0'));
    expect(error.code).toBe('registry-auth');
    expect(error.message).toContain('requires a login');
    expect(service.requests.slice(before).map((r) => r.user)).toEqual([undefined]);
  });
});
