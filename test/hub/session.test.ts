import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HubClient } from '../../src/hub/client.js';
import { MemoryLogger } from '../../src/logger.js';
import { startHubServer, type HubServer } from '../support/hub-server.js';
import { failure, fakeSecret, fakeTime, hubClient, lines, requestsSince } from './hub-fixture.js';

const secret = fakeSecret();
const wrong = fakeSecret();
let server: HubServer;

beforeAll(async () => {
  server = await startHubServer({
    users: [{ username: 'mmkbot', secrets: [secret], organizations: ['acme'] }],
    repositories: [{ namespace: 'acme', name: 'hidden', isPrivate: true }],
  });
});

afterAll(async () => {
  await server?.close();
});

/** Every place a secret could leak from an error. */
function everywhere(error: Error & { hint?: string | undefined }): string {
  return [
    error.message,
    error.hint ?? '',
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 5 }),
    String(error.cause),
  ].join('\n');
}

describe('login', () => {
  test('the secret is exchanged for a bearer token that later requests carry', async () => {
    const { client, logger } = hubClient(server, fakeTime(), { credentials: { username: 'mmkbot', password: secret } });
    const mark = server.state.requests.length;
    await client.login();
    const repo = await client.getRepository('acme', 'hidden');
    expect(repo).toEqual({ namespace: 'acme', name: 'hidden', isPrivate: true, description: '', fullDescription: '' });
    const seen = requestsSince(server, mark);
    expect(lines(seen)).toEqual(['POST /v2/auth/token -> 200', 'GET /v2/namespaces/acme/repositories/hidden -> 200']);
    expect(seen[0]?.body).toEqual({ identifier: 'mmkbot', secret: '***' });
    expect(seen[1]?.user).toBe('mmkbot');
    const logged = logger.lines.map((l) => l.message).join('\n');
    expect(logged).toContain('POST http://127.0.0.1');
    expect(logged).not.toContain(secret);
    for (const token of server.state.tokens.keys()) expect(logged).not.toContain(token);
  });

  test('requests log in by themselves when credentials were given', async () => {
    const { client } = hubClient(server, fakeTime(), { credentials: { username: 'mmkbot', password: secret } });
    const mark = server.state.requests.length;
    expect((await client.getRepository('acme', 'hidden'))?.isPrivate).toBe(true);
    expect(lines(requestsSince(server, mark))).toEqual([
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/acme/repositories/hidden -> 200',
    ]);
  });

  test('a refused login is hub-auth naming the user, and the secret appears nowhere', async () => {
    const { client, logger } = hubClient(server, fakeTime(), { credentials: { username: 'mmkbot', password: wrong } });
    const error = await failure(client.login());
    expect(error.code).toBe('hub-auth');
    expect(error.kind).toBe('environment');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      'Docker Hub refused the login of user mmkbot: check the username and the password or access token (Hub said: unauthorized)',
    );
    expect(everywhere(error)).not.toContain(wrong);
    expect(everywhere(error)).not.toContain(secret);
    expect(logger.lines.map((l) => l.message).join('\n')).not.toContain(wrong);
  });

  test('a secret Hub echoes back in an error body is scrubbed from the message', async () => {
    // A server that repeats what it was sent: the client must not pass it on.
    const echoing: typeof fetch = async (input, init) =>
      new Response(JSON.stringify({ errinfo: null, message: `bad credentials: ${String(init?.body)}` }), {
        status: 401,
      });
    const { client } = hubClient(server, fakeTime(), {
      credentials: { username: 'mmkbot', password: wrong },
      fetch: echoing,
    });
    const error = await failure(client.login());
    expect(error.code).toBe('hub-auth');
    expect(error.message).toContain('"secret":"***"');
    expect(everywhere(error)).not.toContain(wrong);
  });

  test('the client itself does not show the secret when printed or serialised', () => {
    const client = new HubClient({ url: server.url, credentials: { username: 'mmkbot', password: secret } });
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(secret);
    expect(JSON.stringify(client)).not.toContain(secret);
  });

  test('a token Hub no longer accepts is renewed once by logging in again', async () => {
    const { client } = hubClient(server, fakeTime(), { credentials: { username: 'mmkbot', password: secret } });
    await client.login();
    server.state.tokens.clear(); // every token expires
    const mark = server.state.requests.length;
    expect((await client.getRepository('acme', 'hidden'))?.name).toBe('hidden');
    expect(lines(requestsSince(server, mark))).toEqual([
      'GET /v2/namespaces/acme/repositories/hidden -> 401',
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/acme/repositories/hidden -> 200',
    ]);
  });

  test('a write without credentials is hub-auth saying none were given', async () => {
    const { client } = hubClient(server, fakeTime());
    const error = await failure(client.createRepository('acme', 'anon', { isPrivate: true }));
    expect(error.code).toBe('hub-auth');
    expect(error.message).toBe(
      'Docker Hub requires a login to create repository acme/anon and no credentials were given',
    );
    expect(server.state.repositories.has('acme/anon')).toBe(false);
  });

  test('anonymous reads see public repositories only', async () => {
    server.state.repositories.set('acme/open', {
      namespace: 'acme',
      name: 'open',
      isPrivate: false,
      description: 'd',
      fullDescription: '',
    });
    const { client } = hubClient(server, fakeTime());
    expect(await client.getRepository('acme', 'open')).toMatchObject({ isPrivate: false, description: 'd' });
    expect(await client.getRepository('acme', 'hidden')).toBeUndefined();
  });
});

describe('where credentials may go', () => {
  test('credentials are refused for a plain-http URL that is not loopback', () => {
    expect(
      () => new HubClient({ url: 'http://hub.example.com', credentials: { username: 'u', password: secret } }),
    ).toThrow(
      expect.objectContaining({
        code: 'hub-bad-url',
        message: 'credentials are only sent to Docker Hub over https, not to http://hub.example.com/',
      }),
    );
  });

  test('the default is Docker Hub over https', () => {
    expect(new HubClient().baseUrl).toBe('https://hub.docker.com');
  });

  test('a bad repository name is refused before any request', async () => {
    const mark = server.state.requests.length;
    const { client } = hubClient(server, fakeTime(), { logger: new MemoryLogger() });
    const error = await failure(client.getRepository('acme', 'Blur'));
    expect(error.code).toBe('hub-bad-name');
    expect(error.kind).toBe('usage');
    expect(requestsSince(server, mark)).toEqual([]);
  });
});
