// A token service as in the distribution token spec, for a real docker-registry configured with
// `auth: token`: it checks HTTP Basic credentials and answers signed ES256 JWTs carrying the
// requested access, with the signing certificate in `x5c` (the registry trusts it as its root).
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type TestRegistry } from '../support/registry.js';

/** One token request as the service saw it. */
export interface TokenRequest {
  user: string | undefined;
  scopes: string[];
  service: string | null;
  account: string | null;
  /** `refresh_token` for the OAuth form (an identity token), absent for the GET form. */
  grant?: string;
}

/** A registry behind a token service, and what the service was asked. */
export interface TokenRegistry {
  registry: TestRegistry;
  /** The realm URL the registry announces. */
  realm: string;
  /** Every token request so far, oldest first. */
  requests: TokenRequest[];
  /** Stops the registry and the token service and removes the temp dir. */
  stop(): Promise<void>;
}

const SERVICE = 'mmk-test-registry';
const ISSUER = 'mmk-test-issuer';

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function issue(
  key: KeyObject,
  certDer: string,
  user: string | undefined,
  scopes: string[],
  expiresIn: number,
  expired = false,
): string {
  // An expired token is past the registry's 60 s leeway already, while the answer still says
  // expires_in: what a client sees when a token runs out during a long operation.
  const now = Math.floor(Date.now() / 1000) - (expired ? expiresIn + 600 : 0);
  // The anonymous user gets nothing, like a private repository on Docker Hub.
  const access =
    user === undefined
      ? []
      : scopes.map((scope) => {
          const [type, name, actions] = [
            scope.slice(0, scope.indexOf(':')),
            scope.slice(scope.indexOf(':') + 1, scope.lastIndexOf(':')),
            scope.slice(scope.lastIndexOf(':') + 1),
          ];
          return { type, name, actions: actions.split(',') };
        });
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [certDer] }));
  const claims = base64url(
    JSON.stringify({
      iss: ISSUER,
      sub: user ?? '',
      aud: SERVICE,
      exp: now + expiresIn,
      nbf: now - 5,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${claims}.${base64url(signature)}`;
}

function basicUser(request: IncomingMessage): { user: string; password: string } | undefined {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token spec's OAuth form: grant_type=refresh_token with the identity token, answered with access_token. */
function refreshGrant(
  request: IncomingMessage,
  response: ServerResponse,
  requests: TokenRequest[],
  issueFor: (scopes: string[]) => string,
  refreshToken: string | undefined,
): void {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const form = new URLSearchParams(body);
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const grant = form.get('grant_type') ?? '';
    requests.push({ user: undefined, scopes, service: form.get('service'), account: null, grant });
    if (grant !== 'refresh_token' || !refreshToken || form.get('refresh_token') !== refreshToken) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid refresh token"}');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: issueFor(scopes), expires_in: 300 }));
  });
}

/**
 * Starts a token service on a free loopback port and a docker-registry that trusts it; a token
 * whose number (1 for the first) `expired` picks has run out already: the registry refuses it.
 */
export async function startTokenRegistry(options: {
  username: string;
  password: string;
  expiresIn?: number;
  expired?: (issued: number) => boolean;
  /** The identity token (OAuth refresh token) the POST form accepts for `username`. */
  refreshToken?: string;
}): Promise<TokenRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'mmk-token-'));
  let server: Server | undefined;
  let registry: TestRegistry | undefined;
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=mmk-test-token-service',
    ]);
    const key = createPrivateKey(await readFile(keyPath));
    const certDer = new X509Certificate(await readFile(certPath)).raw.toString('base64');
    const requests: TokenRequest[] = [];
    server = createServer((request, response) => {
      if (request.method === 'POST') {
        refreshGrant(
          request,
          response,
          requests,
          (scopes) => issue(key, certDer, options.username, scopes, 300),
          options.refreshToken,
        );
        return;
      }
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const login = basicUser(request);
      const scopes = url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter(Boolean);
      requests.push({
        user: login?.user,
        scopes,
        service: url.searchParams.get('service'),
        account: url.searchParams.get('account'),
      });
      if (login && (login.user !== options.username || login.password !== options.password)) {
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"details":"incorrect username or password"}');
        return;
      }
      const expiresIn = options.expiresIn ?? 300;
      const expired = options.expired?.(requests.length) ?? false;
      const token = issue(key, certDer, login?.user, scopes, expiresIn, expired);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token, expires_in: expiresIn }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('token service has no port');
    const realm = `http://127.0.0.1:${address.port}/token`;
    registry = await startRegistry({ token: { realm, service: SERVICE, issuer: ISSUER, rootCertBundle: certPath } });
    const started = { server, registry };
    return {
      registry,
      realm,
      requests,
      async stop() {
        await started.registry.stop();
        started.server.closeAllConnections();
        await new Promise<void>((resolve) => started.server.close(() => resolve()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await registry?.stop();
    server?.closeAllConnections();
    server?.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
