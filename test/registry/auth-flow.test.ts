// The challenge flow for registries we may not reach from tests (Docker Hub, remote hosts): the
// fetch is replaced, so nothing leaves this machine; the real-registry cases are in auth.test.ts.
import { describe, expect, test } from 'vitest';
import { mergeScopes } from '../../src/registry/auth.js';
import { RegistryClient } from '../../src/registry/client.js';
import { MediaType } from '../../src/registry/manifest.js';

type Sent = { url: string; authorization: string | undefined };

function scripted(answer: (url: URL, authorization: string | undefined) => Response): {
  fetch: typeof fetch;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  const scriptedFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const authorization = headers.get('authorization') ?? undefined;
    sent.push({ url: String(input), authorization });
    return answer(new URL(String(input)), authorization);
  };
  return { fetch: scriptedFetch, sent };
}

// A manifest of sound shape (the client checks what registries send: config, layers, digests).
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'1'.repeat(64)}`, size: 2 },
  layers: [],
});

describe('Docker Hub', () => {
  test('asks its known token service first, anonymously, and sends the token to registry-1.docker.io', async () => {
    const { fetch, sent } = scripted((url, authorization) => {
      if (url.host === 'auth.docker.io') return Response.json({ token: 'anon-token' });
      if (authorization === 'Bearer anon-token') {
        return new Response(MANIFEST, { status: 200, headers: { 'content-type': MediaType.dockerManifest } });
      }
      return new Response('', { status: 401 });
    });
    const hub = new RegistryClient({ registry: 'docker.io', fetch });
    const manifest = await hub.getManifest('library/blur', '1.0');
    expect(manifest.bytes.toString()).toBe(MANIFEST);
    expect(sent).toEqual([
      {
        url: 'https://auth.docker.io/token?scope=repository%3Alibrary%2Fblur%3Apull&service=registry.docker.io',
        authorization: undefined,
      },
      { url: 'https://registry-1.docker.io/v2/library/blur/manifests/1.0', authorization: 'Bearer anon-token' },
    ]);
  });

  test('with credentials, the token request carries HTTP Basic and the account', async () => {
    const { fetch, sent } = scripted((url) =>
      url.host === 'auth.docker.io'
        ? Response.json({ access_token: 'user-token', expires_in: 300 })
        : new Response('', { status: 200, headers: { 'docker-content-digest': `sha256:${'0'.repeat(64)}` } }),
    );
    const hub = new RegistryClient({
      registry: 'docker.io',
      credentials: { username: 'acme', password: 'pat-secret' },
      fetch,
    });
    await hub.headManifest('acme/blur', 'latest');
    expect(sent[0]?.url).toContain('account=acme');
    expect(sent[0]?.authorization).toBe(`Basic ${Buffer.from('acme:pat-secret').toString('base64')}`);
    expect(sent[1]?.authorization).toBe('Bearer user-token');
  });
});

describe('a token realm that is not https', () => {
  test('credentials are not sent to it', async () => {
    const { fetch, sent } = scripted(
      () =>
        new Response('', {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="http://auth.example/token",service="x"' },
        }),
    );
    const client = new RegistryClient({
      registry: 'registry.example',
      credentials: { username: 'u', password: 'p' },
      fetch,
    });
    await expect(client.listTags('acme/blur')).rejects.toMatchObject({
      code: 'registry-auth',
      message: 'registry registry.example asks for credentials at http://auth.example/token, which is not https',
    });
    expect(sent.map((s) => new URL(s.url).host)).toEqual(['registry.example']);
  });
});

describe('mergeScopes', () => {
  test.each([
    [
      'ms01 the order a registry announces is ours',
      ['repository:a/b:pull,push', 'repository:a/b:push,pull'],
      ['repository:a/b:pull,push'],
    ],
    [
      'ms02 actions of one repository are joined',
      ['repository:a/b:pull', 'repository:a/b:push'],
      ['repository:a/b:pull,push'],
    ],
    [
      'ms03 other repositories stay apart',
      ['repository:a/b:pull,push', 'repository:a/c:pull'],
      ['repository:a/b:pull,push', 'repository:a/c:pull'],
    ],
    [
      'ms04 other actions after pull and push',
      ['repository:a/b:delete', 'repository:a/b:pull'],
      ['repository:a/b:pull,delete'],
    ],
    ['ms05 a scope of another shape is kept as it is', ['registry:catalog:*', 'odd'], ['registry:catalog:*', 'odd']],
  ])('%s', (_name, scopes, expected) => {
    expect(mergeScopes(scopes)).toEqual(expected);
  });
});
