import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHubServer, type HubServer } from '../support/hub-server.js';
import { failure, fakeSecret, fakeTime, hubClient, lines, requestsSince } from './hub-fixture.js';

const secret = fakeSecret();
let server: HubServer;

beforeAll(async () => {
  server = await startHubServer({
    users: [
      { username: 'mmkbot', secrets: [secret], organizations: ['acme'] },
      { username: 'other', secrets: ['x'], organizations: ['rival'] },
    ],
    repositories: [
      { namespace: 'rival', name: 'open', isPrivate: false },
      { namespace: 'acme', name: 'blur', isPrivate: true },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

const client = () => hubClient(server, fakeTime(), { credentials: { username: 'mmkbot', password: secret } }).client;

describe('403: no permission on the namespace', () => {
  test('creating in an organisation the user is not in is hub-forbidden naming the namespace', async () => {
    const error = await failure(client().ensureRepository({ namespace: 'rival', name: 'blur', visibility: 'private' }));
    expect(error.code).toBe('hub-forbidden');
    expect(error.kind).toBe('environment');
    expect(error.message).toBe(
      'Docker Hub answered 403 (forbidden): it does not let user mmkbot create repository rival/blur in namespace rival (Hub said: permission denied); creating and pushing to a repository needs an access token with at least "Read & Write" scope, and write access to the namespace (your own, or an organisation team with Read & Write or Admin permission)',
    );
    expect(error.hint).toContain('mmkbot may write to rival');
    expect(server.state.repositories.has('rival/blur')).toBe(false);
    expect(JSON.stringify(error) + (error.stack ?? '')).not.toContain(secret);
  });

  test("changing the visibility of someone else's public repository is hub-forbidden, and it stays public", async () => {
    const error = await failure(client().setVisibility('rival', 'open', true));
    expect(error.code).toBe('hub-forbidden');
    expect(error.message).toContain('make repository rival/open private in namespace rival');
    expect(server.state.repositories.get('rival/open')?.isPrivate).toBe(false);
  });
});

describe('404', () => {
  test('a namespace Hub does not know is a clear usage error on create', async () => {
    const mark = server.state.requests.length;
    const error = await failure(
      client().ensureRepository({ namespace: 'nosuchorg', name: 'blur', visibility: 'private' }),
    );
    expect(error.code).toBe('hub-namespace-not-found');
    expect(error.kind).toBe('usage');
    expect(error.message).toBe('namespace nosuchorg does not exist on Docker Hub or user mmkbot cannot see it');
    expect(lines(requestsSince(server, mark))).toEqual([
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/nosuchorg/repositories/blur -> 404',
      'POST /v2/namespaces/nosuchorg/repositories -> 404',
    ]);
  });

  test('getRepository reads a 404 as "not there"', async () => {
    expect(await client().getRepository('acme', 'missing')).toBeUndefined();
  });

  test('updating the description of a missing repository is hub-repository-not-found', async () => {
    const error = await failure(client().updateDescription('acme', 'missing', { description: 'd' }));
    expect(error.code).toBe('hub-repository-not-found');
    expect(error.message).toBe('repository acme/missing does not exist on Docker Hub');
  });

  test('changing the visibility of a missing repository is hub-repository-not-found', async () => {
    const error = await failure(client().setVisibility('acme', 'missing', false));
    expect(error.code).toBe('hub-repository-not-found');
  });
});

describe('other refusals', () => {
  test('creating a repository that exists is hub-rejected with what Hub said', async () => {
    const error = await failure(client().createRepository('acme', 'blur', { isPrivate: true }));
    expect(error.code).toBe('hub-rejected');
    expect(error.message).toBe(
      'Docker Hub answered HTTP 400 to create repository acme/blur (Hub said: repository already exists)',
    );
  });
});
