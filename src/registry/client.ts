import type { Readable } from 'node:stream';
import { ModuleError } from '../errors.js';
import { repositoryScope } from './auth.js';
import * as blobs from './blobs.js';
import { uploadSpool, type ChunkedUploadOptions, type UploadMode } from './chunked-upload.js';
import { RegistryConnection, type RegistryOptions } from './connection.js';
import {
  MANIFEST_ACCEPT,
  MediaType,
  descriptorProblem,
  isIndex,
  parseManifest,
  sha256Digest,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from './manifest.js';

export type { ImageConfig } from './manifest.js';
import type { BlobSpool } from './spool.js';
import { listOf, parsePeerJson, peerDigest, readPeerJson } from './peer-answer.js';
import { assertRepository, assertTagOrDigest, isDigest, type ImageReference } from './reference.js';

/** What a HEAD on a manifest tells: enough to compare tags without downloading. */
export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

/** A manifest exactly as stored: its bytes (which the digest is over), media type and digest. */
export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

const CONFIG_LIMIT = 8 * 1024 * 1024;
/** Manifests and JSON listings are read whole (and retried whole when cut off); none is this large. */
const DOCUMENT_LIMIT = 16 * 1024 * 1024;
const TAG_PAGE_SIZE = 1000;
/** A listing that pages on past this is a registry answering in circles: stop there. */
const MAX_PAGES = 10_000;

/**
 * A client for one registry's HTTP API v2 (the distribution spec): tags, manifests and blobs,
 * with auth challenges, token caching, bounded retries and errors a person can act on.
 */
export class RegistryClient {
  readonly #conn: RegistryConnection;
  readonly #options: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#conn = new RegistryConnection(options);
    this.#options = options;
  }

  /** This client without the abort signal, for requests that finish a step an interrupt must not cut in half. */
  uninterruptible(): RegistryClient {
    return this.#options.signal ? new RegistryClient({ ...this.#options, signal: undefined }) : this;
  }

  /** A client for the registry an image reference names. */
  static forReference(reference: ImageReference, options: Omit<RegistryOptions, 'registry'> = {}): RegistryClient {
    return new RegistryClient({ ...options, registry: reference.registry });
  }

  /** The registry host this client talks to (`docker.io`, `127.0.0.1:5000`). */
  get registry(): string {
    return this.#conn.registry;
  }

  /** The API base URL this client uses. */
  get baseUrl(): string {
    return this.#conn.baseUrl;
  }

  /** How many retries this client's requests have made so far (each was logged once). */
  get retries(): number {
    return this.#conn.retries;
  }

  /**
   * Runs a multi-request operation (an upload) again after a transient failure, as the retry
   * policy says, at most `maxAttempts` times in all; `stopped` names an abort in the caller's words.
   */
  retryOperation<T>(
    what: string,
    maxAttempts: number,
    run: () => Promise<T>,
    stopped?: (signal: AbortSignal) => Error,
  ): Promise<T> {
    return this.#conn.retryOperation(what, maxAttempts, run, stopped);
  }

  /** GET /v2/: checks the registry answers and, with credentials, that it accepts them. */
  async ping(): Promise<void> {
    const response = await this.#conn.call({ method: 'GET', url: '/v2/', scopes: [], what: 'GET /v2/', expect: [200] });
    await response.body?.cancel().catch(() => {});
  }

  /** All tags of a repository, following Link pagination; [] when the repository does not exist. */
  async listTags(repository: string, pageSize = TAG_PAGE_SIZE): Promise<string[]> {
    assertRepository(repository);
    const tags: string[] = [];
    const seen = new Set<string>();
    let next: string | undefined = `/v2/${repository}/tags/list?n=${pageSize}`;
    while (next !== undefined && !seen.has(next) && seen.size < MAX_PAGES) {
      seen.add(next);
      const response = await this.#conn.call({
        method: 'GET',
        url: next,
        scopes: [repositoryScope(repository, 'pull')],
        what: `list tags of ${repository}`,
        expect: [200],
        allowMissing: true,
        buffer: DOCUMENT_LIMIT,
      });
      if (response.status === 404) {
        await response.body?.cancel().catch(() => {});
        return [];
      }
      const page = await readPeerJson<{ tags?: string[] | null }>(
        response,
        { registry: this.registry, what: `list tags of ${repository}` },
        listOf('tags', (tag) => (typeof tag === 'string' ? undefined : 'is not text')),
      );
      tags.push(...(page.tags ?? []));
      next = nextLink(response.headers.get('link'));
    }
    return tags;
  }

  /** HEAD a manifest by tag or digest: digest, media type and size, or undefined when absent. */
  async headManifest(repository: string, ref: string): Promise<ManifestHead | undefined> {
    assertRepository(repository);
    assertTagOrDigest(ref);
    const response = await this.#conn.call({
      method: 'HEAD',
      url: `/v2/${repository}/manifests/${ref}`,
      scopes: [repositoryScope(repository, 'pull')],
      what: `HEAD manifest ${repository}${refSuffix(ref)}`,
      headers: { Accept: MANIFEST_ACCEPT },
      expect: [200],
      allowMissing: true,
    });
    if (response.status === 404) return undefined;
    const digest = peerDigest(response.headers, {
      registry: this.registry,
      what: `HEAD manifest ${repository}${refSuffix(ref)}`,
    });
    if (!digest) {
      // Some registries omit the digest on HEAD: fetch the bytes and hash them instead.
      const manifest = await this.getManifest(repository, ref);
      return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.length };
    }
    return {
      digest,
      mediaType: mediaTypeOf(response.headers.get('content-type')),
      size: Number(response.headers.get('content-length') ?? '0'),
    };
  }

  /** GET a manifest's exact bytes; the digest is computed from them and checked against the registry's. */
  async getManifest(repository: string, ref: string): Promise<StoredManifest> {
    assertRepository(repository);
    assertTagOrDigest(ref);
    const where = `${repository}${refSuffix(ref)}`;
    const response = await this.#conn.call({
      method: 'GET',
      url: `/v2/${repository}/manifests/${ref}`,
      scopes: [repositoryScope(repository, 'pull')],
      what: `GET manifest ${where}`,
      headers: { Accept: MANIFEST_ACCEPT },
      expect: [200],
      buffer: DOCUMENT_LIMIT,
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    const claimed = peerDigest(response.headers, { registry: this.registry, what: `GET manifest ${where}` });
    if (isDigest(ref) && ref.startsWith('sha256:') && ref !== digest)
      throw blobs.digestMismatch(`manifest ${where}`, digest);
    if (claimed?.startsWith('sha256:') && claimed !== digest) {
      throw blobs.digestMismatch(`manifest ${where} (announced as ${claimed})`, digest);
    }
    // Checked here, at the door: every later reader of these bytes gets a manifest of sound shape.
    const parsed = parseManifest(bytes, where, this.registry);
    let mediaType = mediaTypeOf(response.headers.get('content-type'));
    if (!mediaType || mediaType === 'application/json') mediaType = parsed.mediaType ?? mediaType;
    return { bytes, mediaType, digest };
  }

  /** PUT manifest bytes under a tag (or digest); returns the digest, checked against the registry's. */
  async putManifest(repository: string, tag: string, bytes: Buffer, mediaType: string): Promise<string> {
    assertRepository(repository);
    assertTagOrDigest(tag);
    const digest = sha256Digest(bytes);
    const response = await this.#conn.call({
      method: 'PUT',
      url: `/v2/${repository}/manifests/${tag}`,
      scopes: [repositoryScope(repository, 'pull,push')],
      what: `PUT manifest ${repository}${refSuffix(tag)}`,
      headers: { 'Content-Type': mediaType },
      body: bytes,
      expect: [201, 200],
      atomic: true,
    });
    await response.body?.cancel().catch(() => {});
    const stored = peerDigest(response.headers, {
      registry: this.registry,
      what: `PUT manifest ${repository}${refSuffix(tag)}`,
    });
    if (stored && stored !== digest) {
      throw blobs.digestMismatch(
        `manifest ${repository}${refSuffix(tag)} as stored by ${this.registry} (we sent ${digest})`,
        stored,
      );
    }
    return digest;
  }

  /** DELETE a manifest by digest (for tests and cleanup; the registry must allow deletes). */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    assertRepository(repository);
    assertTagOrDigest(digest);
    const response = await this.#conn.call({
      method: 'DELETE',
      url: `/v2/${repository}/manifests/${digest}`,
      scopes: [repositoryScope(repository, 'delete')],
      what: `DELETE manifest ${repository}@${digest}`,
      expect: [202, 200],
    });
    await response.body?.cancel().catch(() => {});
  }

  /**
   * The manifests whose `subject` is `digest`, through the OCI 1.1 referrers API
   * (GET /v2/<name>/referrers/<digest>, following Link pages); undefined when the registry does
   * not offer the API (404 or 405), so the caller can fall back to the `sha256-<hex>` tag schema.
   */
  async getReferrers(repository: string, digest: string): Promise<Descriptor[] | undefined> {
    assertRepository(repository);
    assertTagOrDigest(digest);
    const found: Descriptor[] = [];
    const seen = new Set<string>();
    let next: string | undefined = `/v2/${repository}/referrers/${digest}`;
    while (next !== undefined && !seen.has(next) && seen.size < MAX_PAGES) {
      seen.add(next);
      const response = await this.#conn.call({
        method: 'GET',
        url: next,
        scopes: [repositoryScope(repository, 'pull')],
        what: `list referrers of ${repository}@${digest}`,
        headers: { Accept: MediaType.ociIndex },
        expect: [200, 405],
        allowMissing: true,
        buffer: DOCUMENT_LIMIT,
      });
      // A registry without the API answers 404 (unknown route) or something that is not an index.
      if (response.status !== 200 || mediaTypeOf(response.headers.get('content-type')) !== MediaType.ociIndex) {
        await response.body?.cancel().catch(() => {});
        if (found.length === 0) return undefined;
        break;
      }
      const page = await readPeerJson<{ manifests?: Descriptor[] | null }>(
        response,
        { registry: this.registry, what: `list referrers of ${repository}@${digest}` },
        listOf('manifests', descriptorProblem),
      );
      found.push(...(page.manifests ?? []));
      next = nextLink(response.headers.get('link'));
    }
    return found;
  }

  /** HEAD a blob: its size, or undefined when absent. */
  headBlob(repository: string, digest: string): Promise<blobs.BlobHead | undefined> {
    assertRepository(repository);
    return blobs.headBlob(this.#conn, repository, digest);
  }

  /** GET a blob as a stream that errors at its end unless the bytes match the digest. */
  getBlob(repository: string, digest: string): Promise<Readable> {
    assertRepository(repository);
    return blobs.getBlob(this.#conn, repository, digest);
  }

  /** GET a blob as the stream its bytes arrive on, unchecked (the caller hashes them). */
  openBlob(repository: string, digest: string): Promise<Readable> {
    assertRepository(repository);
    return blobs.openBlob(this.#conn, repository, digest);
  }

  /** Mounts a blob from another repository of this registry: 'mounted' or 'upload-started'. */
  mountBlob(target: string, digest: string, from: string): Promise<blobs.MountOutcome> {
    assertRepository(target);
    assertRepository(from);
    return blobs.mountBlob(this.#conn, target, digest, from);
  }

  /** Uploads a blob (monolithic POST + PUT) unless already present: 'exists' or 'uploaded'. */
  uploadBlob(
    repository: string,
    digest: string,
    body: Buffer | AsyncIterable<Uint8Array>,
    size: number,
  ): Promise<blobs.UploadOutcome> {
    assertRepository(repository);
    return blobs.uploadBlob(this.#conn, repository, digest, body, size);
  }

  /** Uploads the blob being written to a spool: in chunks while it grows, resumed from the registry's offset. */
  uploadSpool(
    repository: string,
    spool: BlobSpool,
    options: ChunkedUploadOptions = {},
  ): Promise<{ outcome: blobs.UploadOutcome; mode: UploadMode }> {
    assertRepository(repository);
    return uploadSpool(this.#conn, repository, spool, options);
  }

  /** Fetches and parses an image manifest's config blob (labels, env, entrypoint, ...). */
  async getConfig(repository: string, from: ImageManifest | ImageIndex | StoredManifest): Promise<ImageConfig> {
    assertRepository(repository);
    const manifest = 'bytes' in from ? parseManifest(from.bytes, `${repository}@${from.digest}`) : from;
    if (isIndex(manifest)) {
      throw new ModuleError(
        'registry-config-of-index',
        `an index has no config: pick one of its ${manifest.manifests.length} platform manifests first`,
      );
    }
    const { digest, size } = manifest.config;
    const bytes = await blobs.readBlob(
      this.#conn,
      repository,
      digest,
      Math.min(CONFIG_LIMIT, size > 0 ? size : CONFIG_LIMIT),
    );
    return parsePeerJson<ImageConfig>(
      bytes.toString('utf8'),
      { registry: this.registry, what: `GET config ${repository}@${digest}` },
      (doc) => (typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? undefined : 'is not an object'),
    );
  }
}

function refSuffix(ref: string): string {
  return isDigest(ref) ? `@${ref}` : `:${ref}`;
}

function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim() ?? '';
}

/** The target of a `Link: <url>; rel="next"` header, if any. */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel="?next"?\s*(;|$)/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}
