// A registry that answers like a registry (HTTP 200, the right headers) with garbage inside, one
// kind of garbage per repository name, for the tests of class 5 (garbage from peers): every
// answer must be parsed defensively and reported as the registry's fault, naming it.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const CONFIG = 'not json at all';
const CONFIG_DIGEST = `sha256:${createHash('sha256').update(CONFIG).digest('hex')}`;
const sound = (layerDigest: string) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      digest: CONFIG_DIGEST,
      size: Buffer.byteLength(CONFIG),
    },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerDigest, size: 10 }],
  });

/** What each repository answers (GET and HEAD alike; HEAD without the body). */
const GARBAGE: Record<string, { tags?: string; manifest?: string; digest?: string; blob?: string }> = {
  // An HTML error page from a proxy, served as 200.
  html: { tags: '<html><body>502 Bad Gateway</body></html>', manifest: '<html>oops</html>' },
  // JSON, but not the shape: tags as text, a list where an object belongs.
  'tags-not-list': { tags: '{"tags":"1.0.0"}' },
  'tags-array': { tags: '["1.0.0"]' },
  'tags-numbers': { tags: '{"name":"x","tags":[1,2]}' },
  // A malformed Docker-Content-Digest header on a sound manifest.
  'bad-digest': { manifest: sound(DIGEST), digest: 'sha256:zz' },
  // A manifest whose layer digest is a path.
  'bad-layer': { manifest: sound('../../../etc/passwd') },
  // A config blob that is not JSON.
  'bad-config': { manifest: sound(DIGEST), blob: CONFIG },
};

export interface GarbageRegistry {
  host: string;
  close(): Promise<void>;
}

/** Starts the garbage registry on a free loopback port. */
export async function startGarbageRegistry(): Promise<GarbageRegistry> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    const match = /^\/v2\/([^/]+)\/x\/(tags\/list|manifests\/[^/]+|blobs\/[^/]+)$/.exec(url.pathname);
    const garbage = match ? GARBAGE[match[1] ?? ''] : undefined;
    const what = match?.[2] ?? '';
    const body = what.startsWith('tags')
      ? garbage?.tags
      : what.startsWith('manifests')
        ? garbage?.manifest
        : garbage?.blob;
    if (!garbage || body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
      return;
    }
    res.writeHead(200, {
      'content-type': what.startsWith('manifests') ? MANIFEST : 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...(garbage.digest && what.startsWith('manifests') ? { 'docker-content-digest': garbage.digest } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface GarbageEngine {
  /** A DOCKER_HOST value: tcp://127.0.0.1:PORT. */
  dockerHost: string;
  close(): Promise<void>;
}

/** A "Docker Engine" that answers every request 200 with an HTML page (`pingOk`: except /_ping). */
export async function startGarbageEngine(pingOk = false): Promise<GarbageEngine> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(pingOk && req.url?.startsWith('/_ping') ? 'OK' : '<html>not an engine</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dockerHost: `tcp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
