import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ModuleError } from '../errors.js';
import { repositoryScope } from './auth.js';
import type { RegistryConnection } from './connection.js';
import { sha256Digest } from './manifest.js';
import { markTransient } from './transient.js';
import { peerDigest } from './peer-answer.js';
import { rawBody } from './http-fetch.js';

/** A blob's size, as the registry reports it. */
export interface BlobHead {
  size: number;
}

/** What became of a blob upload: it was there already, or we sent it. */
export type UploadOutcome = 'exists' | 'uploaded';

/** What a cross-repository mount did: mounted, or the registry started an ordinary upload instead. */
export type MountOutcome = 'mounted' | 'upload-started';

/** HEAD a blob: its size, or undefined when the repository does not hold it. */
export async function headBlob(
  conn: RegistryConnection,
  repository: string,
  digest: string,
): Promise<BlobHead | undefined> {
  const response = await conn.call({
    method: 'HEAD',
    url: `/v2/${repository}/blobs/${digest}`,
    scopes: [repositoryScope(repository, 'pull')],
    what: `HEAD blob ${repository}@${digest}`,
    expect: [200],
    allowMissing: true,
  });
  if (response.status === 404) return undefined;
  return { size: Number(response.headers.get('content-length') ?? '0') };
}

/**
 * GET a blob as the stream its bytes arrive on, unchecked: the caller hashes them (BlobStream
 * does, inline, with no stream in between). Over node:http this is the socket's own stream.
 */
export async function openBlob(conn: RegistryConnection, repository: string, digest: string): Promise<Readable> {
  const response = await conn.call({
    method: 'GET',
    url: `/v2/${repository}/blobs/${digest}`,
    scopes: [repositoryScope(repository, 'pull')],
    what: `GET blob ${repository}@${digest}`,
    expect: [200],
    bulk: true,
  });
  if (!response.body) return Readable.from([]);
  return rawBody(response) ?? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
}

/** GET a blob as a stream that fails at its end unless the bytes hash to `digest`. */
export async function getBlob(conn: RegistryConnection, repository: string, digest: string): Promise<Readable> {
  const source = await openBlob(conn, repository, digest);
  const hash = createHash('sha256');
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = `sha256:${hash.digest('hex')}`;
      if (!digest.startsWith('sha256:') || actual === digest) done();
      else done(digestMismatch(`blob ${repository}@${digest} from ${conn.registry}`, actual));
    },
  });
  pipeline(source, verifier, () => {}); // an error in either destroys the verifier, which the reader sees
  return verifier;
}

/** Reads a whole blob into memory (for config blobs), retried whole when cut off; refuses blobs larger than `limit` bytes. */
export async function readBlob(
  conn: RegistryConnection,
  repository: string,
  digest: string,
  limit: number,
): Promise<Buffer> {
  const response = await conn
    .call({
      method: 'GET',
      url: `/v2/${repository}/blobs/${digest}`,
      scopes: [repositoryScope(repository, 'pull')],
      what: `GET blob ${repository}@${digest}`,
      expect: [200],
      buffer: limit,
    })
    .catch((error: unknown) => {
      if (error instanceof ModuleError && error.code === 'registry-bad-response' && /more than/.test(error.message)) {
        throw new ModuleError('registry-blob-too-large', `blob ${repository}@${digest} is larger than ${limit} bytes`, {
          kind: 'refused',
        });
      }
      throw error;
    });
  const bytes = Buffer.from(await response.arrayBuffer());
  const actual = sha256Digest(bytes);
  if (digest.startsWith('sha256:') && actual !== digest)
    throw digestMismatch(`blob ${repository}@${digest} from ${conn.registry}`, actual);
  return bytes;
}

/**
 * Mounts a blob from another repository of the same registry (POST ?mount=&from=). When the
 * registry starts an upload instead (202), that upload is cancelled and 'upload-started' returned:
 * the caller then uploads the blob itself.
 */
export async function mountBlob(
  conn: RegistryConnection,
  target: string,
  digest: string,
  from: string,
): Promise<MountOutcome> {
  const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const response = await conn.call({
    method: 'POST',
    url: `/v2/${target}/blobs/uploads/?${query}`,
    scopes: [repositoryScope(target, 'pull,push'), repositoryScope(from, 'pull')],
    what: `mount blob ${digest} from ${from} into ${target}`,
    headers: { 'Content-Length': '0' },
    expect: [201, 202],
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 201) return 'mounted';
  const location = response.headers.get('location');
  if (location) {
    // Best effort: an abandoned upload is garbage-collected by the registry anyway.
    await conn
      .call({
        method: 'DELETE',
        url: location,
        scopes: [repositoryScope(target, 'pull,push')],
        what: `cancel upload to ${target}`,
        expect: [204, 202, 200],
        allowMissing: true,
      })
      .then((r) => r.body?.cancel())
      .catch(() => {});
  }
  return 'upload-started';
}

/** How many times a blob upload from a Buffer is started over (new POST) after a transient failure. */
const UPLOAD_ATTEMPTS = 4;

/**
 * Uploads a blob unless the repository holds it already: POST to open an upload, then one PUT
 * with the bytes and `?digest=`. A Buffer is checked against `digest` and `size` before sending,
 * and an upload of one that fails on the way (a lost connection, a 5xx, an upload session the
 * registry no longer knows, a token that ran out) is started over from a new POST; a stream can
 * be read once only, so its caller starts over with a new stream (copyImage does).
 */
export async function uploadBlob(
  conn: RegistryConnection,
  repository: string,
  digest: string,
  body: Buffer | AsyncIterable<Uint8Array>,
  size: number,
): Promise<UploadOutcome> {
  if (!Buffer.isBuffer(body)) return uploadOnce(conn, repository, digest, body, size);
  const actual = sha256Digest(body);
  if (actual !== digest || body.length !== size) {
    throw new ModuleError(
      'registry-digest-mismatch',
      `the blob given as ${digest} (${size} bytes) is ${actual} (${body.length} bytes)`,
      {
        hint: 'This is a bug in the caller: the digest and size must be those of the bytes.',
      },
    );
  }
  return conn.retryOperation(`upload of ${repository}@${digest}`, UPLOAD_ATTEMPTS, () =>
    uploadOnce(conn, repository, digest, body, size),
  );
}

async function uploadOnce(
  conn: RegistryConnection,
  repository: string,
  digest: string,
  body: Buffer | AsyncIterable<Uint8Array>,
  size: number,
): Promise<UploadOutcome> {
  if (await headBlob(conn, repository, digest)) return 'exists';
  const push = [repositoryScope(repository, 'pull,push')];
  const started = await conn.call({
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/`,
    scopes: push,
    what: `start blob upload to ${repository}`,
    headers: { 'Content-Length': '0' },
    expect: [202],
  });
  await started.body?.cancel().catch(() => {});
  const location = started.headers.get('location');
  if (!location) {
    throw new ModuleError(
      'registry-bad-response',
      `registry ${conn.registry} started an upload to ${repository} without a Location`,
      { kind: 'environment' },
    );
  }
  const target = new URL(conn.resolve(location));
  target.search += `${target.search ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
  const done = await conn
    .call({
      method: 'PUT',
      url: target.href,
      scopes: push,
      what: `PUT blob ${repository}@${digest}`,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
      body,
      expect: [201, 204],
    })
    .catch((error: unknown) => {
      // A PUT tried again after its answer was lost finds the session closed: the blob may well be
      // there. Starting over (HEAD first) tells.
      if (error instanceof ModuleError && error.code === 'registry-not-found')
        throw markTransient(error, { status: 404 });
      throw error;
    });
  await done.body?.cancel().catch(() => {});
  const stored = peerDigest(done.headers, { registry: conn.registry, what: `PUT blob ${repository}@${digest}` });
  if (stored && stored !== digest)
    throw digestMismatch(`blob ${repository}@${digest} stored by ${conn.registry}`, stored);
  return 'uploaded';
}

/** ModuleError 'registry-digest-mismatch': content does not hash to the digest it travels under. */
export function digestMismatch(what: string, actual: string): ModuleError {
  return new ModuleError('registry-digest-mismatch', `${what} has digest ${actual}`, {
    kind: 'environment',
    hint: 'The content changed on the way or the registry rewrote it; try again, and report it if it persists.',
  });
}
