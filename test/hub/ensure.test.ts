import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureRepository, type HubRepositories, type HubVisibility } from '../../src/hub/ensure.js';
import { startHubServer, type HubServer } from '../support/hub-server.js';
import { failure, fakeSecret, fakeTime, hubClient, lines, requestsSince } from './hub-fixture.js';

const secret = fakeSecret();
let server: HubServer;

beforeAll(async () => {
  server = await startHubServer({ users: [{ username: 'mmkbot', secrets: [secret], organizations: ['acme'] }] });
});

afterAll(async () => {
  await server?.close();
});

function client() {
  return hubClient(server, fakeTime(), { credentials: { username: 'mmkbot', password: secret } }).client;
}

function seed(name: string, isPrivate: boolean, description = '', fullDescription = '') {
  server.state.repositories.set(`acme/${name}`, { namespace: 'acme', name, isPrivate, description, fullDescription });
}

const a = (n: number) => 'a'.repeat(n);

describe('ensureRepository on a missing repository', () => {
  test('creates it PRIVATE with its text as the first write, before anything could push', async () => {
    const mark = server.state.requests.length;
    const outcome = await client().ensureRepository({
      namespace: 'acme',
      name: 'blur',
      visibility: 'private',
      description: 'Gaussian blur for mercure',
      readme: '# blur\n',
    });
    expect(outcome).toEqual({
      repository: {
        namespace: 'acme',
        name: 'blur',
        isPrivate: true,
        description: 'Gaussian blur for mercure',
        fullDescription: '# blur\n',
      },
      created: true,
      visibilityChanged: false,
      descriptionUpdated: true,
      warnings: [],
    });
    const seen = requestsSince(server, mark);
    expect(lines(seen)).toEqual([
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/acme/repositories/blur -> 404',
      'POST /v2/namespaces/acme/repositories -> 201',
    ]);
    expect(seen[2]?.body).toEqual({
      name: 'blur',
      namespace: 'acme',
      description: 'Gaussian blur for mercure',
      full_description: '# blur\n',
      is_private: true,
      registry: 'docker.io',
    });
    expect(server.state.repositories.get('acme/blur')?.isPrivate).toBe(true);
  });

  test('creates it public when public is asked', async () => {
    const outcome = await client().ensureRepository({ namespace: 'acme', name: 'sharpen', visibility: 'public' });
    expect(outcome).toMatchObject({ created: true, descriptionUpdated: false, repository: { isPrivate: false } });
    expect(server.state.repositories.get('acme/sharpen')?.isPrivate).toBe(false);
  });

  test('a second run finds it as created and writes nothing', async () => {
    await client().ensureRepository({ namespace: 'acme', name: 'twice', visibility: 'private', description: 'd' });
    const mark = server.state.requests.length;
    const outcome = await client().ensureRepository({
      namespace: 'acme',
      name: 'twice',
      visibility: 'private',
      description: 'd',
    });
    expect(outcome).toMatchObject({ created: false, visibilityChanged: false, descriptionUpdated: false });
    expect(lines(requestsSince(server, mark))).toEqual([
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/acme/repositories/twice -> 200',
    ]);
  });

  test('a create whose answer was lost (500 after Hub made it) is retried and then judged as existing', async () => {
    server.failNext(1, {
      status: 500,
      afterHandling: true,
      match: (method, path) => method === 'POST' && path === '/v2/namespaces/acme/repositories',
    });
    const { client: hub, logger } = hubClient(server, fakeTime(), {
      credentials: { username: 'mmkbot', password: secret },
    });
    const mark = server.state.requests.length;
    const outcome = await hub.ensureRepository({ namespace: 'acme', name: 'lost', visibility: 'private' });
    expect(outcome).toMatchObject({ created: false, visibilityChanged: false, repository: { isPrivate: true } });
    expect(lines(requestsSince(server, mark))).toEqual([
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/acme/repositories/lost -> 404',
      'POST /v2/namespaces/acme/repositories -> 500',
      'POST /v2/namespaces/acme/repositories -> 400',
      'GET /v2/namespaces/acme/repositories/lost -> 200',
    ]);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });
});

describe('ensureRepository on an existing repository with the other visibility', () => {
  test('public found, private asked: refused, and nothing on Hub changed', async () => {
    seed('exposed', false, 'old', 'old readme');
    const mark = server.state.requests.length;
    const error = await failure(
      client().ensureRepository({
        namespace: 'acme',
        name: 'exposed',
        visibility: 'private',
        description: 'new',
        readme: 'new readme',
      }),
    );
    expect(error.code).toBe('hub-visibility-mismatch');
    expect(error.kind).toBe('refused');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      "acme/exposed is public on Docker Hub but visibility: 'private' was asked: publishing would expose the module image to anyone on Docker Hub; changeVisibility: true makes it private",
    );
    expect(lines(requestsSince(server, mark))).toEqual([
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/acme/repositories/exposed -> 200',
    ]);
    expect(server.state.repositories.get('acme/exposed')).toMatchObject({
      isPrivate: false,
      description: 'old',
      fullDescription: 'old readme',
    });
  });

  test('private found, public asked: refused too, with the exposure named in the hint', async () => {
    seed('secret-one', true);
    const error = await failure(
      client().ensureRepository({ namespace: 'acme', name: 'secret-one', visibility: 'public' }),
    );
    expect(error.code).toBe('hub-visibility-mismatch');
    expect(error.message).toContain("acme/secret-one is private on Docker Hub but visibility: 'public' was asked");
    expect(error.hint).toContain('exposes every tag already in acme/secret-one');
    expect(server.state.repositories.get('acme/secret-one')?.isPrivate).toBe(true);
  });

  test('with changeVisibility the privacy POST makes it private, before the text is written', async () => {
    seed('turn', false, 'old');
    const mark = server.state.requests.length;
    const outcome = await client().ensureRepository({
      namespace: 'acme',
      name: 'turn',
      visibility: 'private',
      changeVisibility: true,
      description: 'new',
    });
    expect(outcome).toMatchObject({
      created: false,
      visibilityChanged: true,
      descriptionUpdated: true,
      repository: { isPrivate: true, description: 'new' },
    });
    const seen = requestsSince(server, mark);
    expect(lines(seen)).toEqual([
      'POST /v2/auth/token -> 200',
      'GET /v2/namespaces/acme/repositories/turn -> 200',
      'POST /v2/repositories/acme/turn/privacy -> 200',
      'PATCH /v2/repositories/acme/turn -> 200',
    ]);
    expect(seen[2]?.body).toEqual({ is_private: true });
    expect(seen[3]?.body).toEqual({ description: 'new' });
    expect(server.state.repositories.get('acme/turn')).toMatchObject({ isPrivate: true, description: 'new' });
  });
});

describe('description and README sync', () => {
  test('only the fields that differ are sent', async () => {
    seed('sync', true, 'same', 'old readme');
    const mark = server.state.requests.length;
    const outcome = await client().ensureRepository({
      namespace: 'acme',
      name: 'sync',
      visibility: 'private',
      description: 'same',
      readme: 'new readme',
    });
    expect(outcome).toMatchObject({ descriptionUpdated: true, warnings: [] });
    const patch = requestsSince(server, mark).find((r) => r.method === 'PATCH');
    expect(patch?.body).toEqual({ full_description: 'new readme' });
  });

  test('text exactly at the byte limits (multi-byte last characters) is sent whole, without warnings', async () => {
    const description = `${a(98)}é`; // 100 bytes
    const readme = `${a(24_997)}€`; // 25,000 bytes
    const outcome = await client().ensureRepository({
      namespace: 'acme',
      name: 'exact',
      visibility: 'private',
      description,
      readme,
    });
    expect(outcome.warnings).toEqual([]);
    expect(server.state.repositories.get('acme/exact')).toMatchObject({ description, fullDescription: readme });
  });

  test('text one byte over is cut on a character boundary, with a warning per field (on create)', async () => {
    const outcome = await client().ensureRepository({
      namespace: 'acme',
      name: 'long',
      visibility: 'private',
      description: `${a(99)}é`, // 101 bytes: é cannot be split
      readme: `${a(24_998)}😀`, // 25,002 bytes
    });
    expect(outcome.created).toBe(true);
    expect(outcome.warnings).toEqual([
      'the short description of acme/long is 101 bytes and Docker Hub keeps at most 100: it was cut to 99 bytes on a character boundary',
      'the README (full description) of acme/long is 25002 bytes and Docker Hub keeps at most 25000: it was cut to 24998 bytes on a character boundary',
    ]);
    expect(server.state.repositories.get('acme/long')).toMatchObject({
      description: a(99),
      fullDescription: a(24_998),
    });
  });

  test('an over-long README on an existing repository is cut, patched once, and warned about again when unchanged', async () => {
    seed('readme', true, 'd', 'short');
    const readme = `${a(24_999)}€`;
    const first = await client().ensureRepository({ namespace: 'acme', name: 'readme', visibility: 'private', readme });
    expect(first).toMatchObject({ descriptionUpdated: true });
    expect(first.warnings).toHaveLength(1);
    expect(server.state.repositories.get('acme/readme')?.fullDescription).toBe(a(24_999));
    const mark = server.state.requests.length;
    const second = await client().ensureRepository({
      namespace: 'acme',
      name: 'readme',
      visibility: 'private',
      readme,
    });
    expect(second).toMatchObject({ descriptionUpdated: false });
    expect(second.warnings).toEqual(first.warnings);
    expect(requestsSince(server, mark).some((r) => r.method === 'PATCH')).toBe(false);
  });

  test('updateDescription alone cuts and warns too; Hub would refuse the uncut text', async () => {
    seed('direct', false);
    const hub = client();
    const result = await hub.updateDescription('acme', 'direct', { description: `${a(97)}😀` });
    expect(result.warnings).toHaveLength(1);
    expect(server.state.repositories.get('acme/direct')?.description).toBe(a(97));
  });
});

describe('ensureRepository against answers the stand-in does not give', () => {
  // Hub may create a repository public although private was asked (e.g. a plan's private limit).
  const publicAnyway: HubRepositories = {
    getRepository: async () => undefined,
    createRepository: async (namespace, name, repo) => ({
      repository: { namespace, name, isPrivate: false, description: repo.description ?? '', fullDescription: '' },
      warnings: [],
    }),
    setVisibility: async () => {
      throw new Error('not expected');
    },
    updateDescription: async () => {
      throw new Error('not expected');
    },
  };

  test('a repository Hub created with the other visibility is refused before any push', async () => {
    const error = await failure(
      ensureRepository(publicAnyway, { namespace: 'acme', name: 'blur', visibility: 'private' }),
    );
    expect(error.code).toBe('hub-visibility-mismatch');
    expect(error.kind).toBe('refused');
    expect(error.message).toBe('Docker Hub created acme/blur as public although private was asked; nothing was pushed');
  });

  test('a visibility other than private or public is a usage error before any request', async () => {
    const error = await failure(
      ensureRepository(publicAnyway, { namespace: 'acme', name: 'blur', visibility: 'internal' as HubVisibility }),
    );
    expect(error.code).toBe('hub-bad-visibility');
    expect(error.kind).toBe('usage');
  });
});
