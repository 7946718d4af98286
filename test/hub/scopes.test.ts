import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHubServer, type HubRedirect, type HubServer } from '../support/hub-server.js';
import { failure, fakeSecret, fakeTime, hubClient, lines, requestsSince } from './hub-fixture.js';

// Docker Hub's personal access tokens, by the names its settings page gives them.
const readOnly = fakeSecret();
const readWrite = fakeSecret();
const readWriteDelete = fakeSecret();
let server: HubServer;

beforeAll(async () => {
  server = await startHubServer({
    users: [
      {
        username: 'mmkbot',
        secrets: [
          { secret: readOnly, scopes: ['repo:read'] },
          { secret: readWrite, scopes: ['repo:read', 'repo:write'] },
          { secret: readWriteDelete, scopes: ['repo:admin'] },
        ],
        organizations: [
          { name: 'acme', permission: 'write' },
          { name: 'lab', permission: 'admin' },
        ],
      },
    ],
    repositories: [
      { namespace: 'mmkbot', name: 'open', isPrivate: false },
      { namespace: 'acme', name: 'team', isPrivate: false },
      { namespace: 'lab', name: 'owned', isPrivate: false },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

const client = (password: string) =>
  hubClient(server, fakeTime(), { credentials: { username: 'mmkbot', password } }).client;

describe('token scopes, as Hub enforces them', () => {
  test('a Read & Write token creates and reads a private repository', async () => {
    const hub = client(readWrite);
    const outcome = await hub.ensureRepository({ namespace: 'mmkbot', name: 'rw-made', visibility: 'private' });
    expect(outcome.created).toBe(true);
    expect(await hub.getRepository('mmkbot', 'rw-made')).toMatchObject({ isPrivate: true });
  });

  test('a Read & Write token gets 403 on visibility, explained in the scope names, and nothing changes', async () => {
    const error = await failure(client(readWrite).setVisibility('mmkbot', 'open', true));
    expect(error.code).toBe('hub-forbidden');
    expect(error.message).toContain('answered 403');
    expect(error.message).toContain('(Hub said: access denied: insufficient scope)');
    expect(error.message).toContain('needs an access token with "Read, Write, Delete" scope');
    expect(error.message).toContain('a "Read & Write" token gets 403 there');
    expect(error.hint).toContain('"Read, Write, Delete"');
    expect(server.state.repositories.get('mmkbot/open')?.isPrivate).toBe(false);
    expect(JSON.stringify(error) + error.message + (error.hint ?? '')).not.toContain(readWrite);
  });

  test('a Read & Write token gets the same 403 on the description', async () => {
    const error = await failure(client(readWrite).updateDescription('mmkbot', 'open', { description: 'blur' }));
    expect(error.code).toBe('hub-forbidden');
    expect(error.message).toContain('update the description of mmkbot/open');
    expect(error.message).toContain('"Read, Write, Delete"');
    expect(server.state.repositories.get('mmkbot/open')?.description).toBe('');
  });

  test('a Read, Write, Delete token changes both', async () => {
    const hub = client(readWriteDelete);
    await hub.updateDescription('mmkbot', 'open', { description: 'blur' });
    await hub.setVisibility('mmkbot', 'open', true);
    expect(server.state.repositories.get('mmkbot/open')).toMatchObject({ isPrivate: true, description: 'blur' });
    await hub.setVisibility('mmkbot', 'open', false);
  });

  test('a read-only token cannot create, and the 403 names Read & Write', async () => {
    const error = await failure(
      client(readOnly).ensureRepository({ namespace: 'mmkbot', name: 'ro-made', visibility: 'private' }),
    );
    expect(error.code).toBe('hub-forbidden');
    expect(error.message).toContain('at least "Read & Write" scope');
    expect(server.state.repositories.has('mmkbot/ro-made')).toBe(false);
  });

  test("on an organisation's repository even a Read, Write, Delete token needs admin rights", async () => {
    const error = await failure(client(readWriteDelete).setVisibility('acme', 'team', true));
    expect(error.code).toBe('hub-forbidden');
    expect(error.message).toContain('(Hub said: permission denied)');
    expect(error.message).toContain('admin rights');
    expect(error.hint).toContain('is an admin of acme');
    expect(server.state.repositories.get('acme/team')?.isPrivate).toBe(false);
    // A team with write permission may still create (and push) there.
    const made = await client(readWriteDelete).ensureRepository({
      namespace: 'acme',
      name: 'new',
      visibility: 'public',
    });
    expect(made.created).toBe(true);
    // An admin of the organisation may change its settings.
    await client(readWriteDelete).setVisibility('lab', 'owned', true);
    expect(server.state.repositories.get('lab/owned')?.isPrivate).toBe(true);
  });

  test('the login hint tells which scope does what', async () => {
    const error = await failure(client('not-a-token').login());
    expect(error.code).toBe('hub-auth');
    expect(error.hint).toContain('"Read & Write" scope is enough to create a repository and push');
    expect(error.hint).toContain('"Read, Write, Delete"');
  });
});

describe('redirects never turn a POST into a GET', () => {
  const privacy = '/v2/repositories/mmkbot/moved/privacy';
  test.each([301, 302, 307, 308] as const)(
    'the privacy call answered %i is sent again, same method and body, and takes effect',
    async (status) => {
      server.state.repositories.set('mmkbot/moved', {
        namespace: 'mmkbot',
        name: 'moved',
        isPrivate: false,
        description: '',
        fullDescription: '',
      });
      const redirect: HubRedirect = { status, match: (m, p) => p === privacy, count: 1 };
      server.state.redirects.push(redirect);
      const mark = server.state.requests.length;
      await client(readWriteDelete).setVisibility('mmkbot', 'moved', true);
      const sent = requestsSince(server, mark).filter((r) => r.path === privacy);
      expect(sent.map((r) => `${r.method} ${r.rawPath} -> ${r.status}`)).toEqual([
        `POST ${privacy} -> ${status}`,
        `POST ${privacy}/ -> 200`,
      ]);
      expect(sent.map((r) => r.body)).toEqual([{ is_private: true }, { is_private: true }]);
      expect(server.state.repositories.get('mmkbot/moved')?.isPrivate).toBe(true);
    },
  );

  test('a PATCH of the description answered 301 is sent again as a PATCH', async () => {
    const path = '/v2/repositories/mmkbot/open';
    server.state.redirects.push({ status: 301, match: (m, p) => m === 'PATCH' && p === path, count: 1 });
    const mark = server.state.requests.length;
    await client(readWriteDelete).updateDescription('mmkbot', 'open', { fullDescription: '# Blur' });
    expect(lines(requestsSince(server, mark)).filter((l) => !l.includes('auth'))).toEqual([
      `PATCH ${path} -> 301`,
      `PATCH ${path} -> 200`,
    ]);
    expect(server.state.repositories.get('mmkbot/open')?.fullDescription).toBe('# Blur');
  });

  test('a redirect to another host is refused, and the token is not sent there', async () => {
    server.state.redirects.push({
      status: 307,
      match: (m, p) => p === '/v2/repositories/mmkbot/open/privacy',
      location: 'http://127.0.0.2:9/v2/repositories/mmkbot/open/privacy',
      count: 1,
    });
    const error = await failure(client(readWriteDelete).setVisibility('mmkbot', 'open', true));
    expect(error.code).toBe('hub-redirected');
    expect(error.message).toContain('a redirect to another host (127.0.0.2:9), where the login is not sent');
    expect(server.state.repositories.get('mmkbot/open')?.isPrivate).toBe(false);
  });

  test('a 303 is not followed as if the change were made', async () => {
    server.state.redirects.push({
      status: 303,
      match: (m, p) => p === '/v2/repositories/mmkbot/open/privacy',
      count: 1,
    });
    const error = await failure(client(readWriteDelete).setVisibility('mmkbot', 'open', true));
    expect(error.code).toBe('hub-rejected');
    expect(error.message).toContain('HTTP 303');
    expect(server.state.repositories.get('mmkbot/open')?.isPrivate).toBe(false);
  });
});

describe('the stand-in answers a path with and without its trailing slash', () => {
  test('GET of a repository', async () => {
    const answers = await Promise.all(
      ['/v2/namespaces/mmkbot/repositories/open', '/v2/namespaces/mmkbot/repositories/open/'].map(async (p) => {
        const response = await fetch(`${server.url}${p}`, { redirect: 'manual' });
        return { status: response.status, body: (await response.json()) as { name?: string } };
      }),
    );
    expect(answers.map((a) => [a.status, a.body.name])).toEqual([
      [200, 'open'],
      [200, 'open'],
    ]);
  });
});
