import { ModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { RegistryClient, type ImageConfig, type StoredManifest } from '../registry/client.js';
import { isIndex, parseManifest } from '../registry/manifest.js';
import { manifestPlatforms } from '../registry/manifest-platforms.js';
import { formatReference, parseReference } from '../registry/reference.js';
import { tryParseVersion } from '../release/version.js';
import { silentLogger, type Logger } from '../logger.js';
import { loginFor, type LoginLookup } from './access/login.js';
import { registryClientFor } from './access/registry-access.js';
import { orderTags } from './registry-entry.js';

/** The platform a mercure server runs modules on (mercure ships for linux/amd64). */
export const SERVER_PLATFORM = { os: 'linux', architecture: 'amd64' } as const;

/** OCI label keys status reads. */
const LABEL = {
  version: 'org.opencontainers.image.version',
  revision: 'org.opencontainers.image.revision',
  created: 'org.opencontainers.image.created',
} as const;

/** The single image a linux/amd64 server runs: its manifest digest, config digest and config. */
export interface RunnableImage {
  /** The image manifest's digest (for an index: its linux/amd64 child). */
  digest: string;
  configDigest: string;
  config: ImageConfig;
}

/**
 * The image a linux/amd64 server runs from a stored manifest (an index picks its linux/amd64 child);
 * undefined when it has none. With `orFirstImage`, an index without one gives its first image
 * instead (attestations, platform unknown/unknown, are not images): for what all of one release's
 * images share, such as its version label.
 */
export async function runnableImage(
  client: RegistryClient,
  repository: string,
  stored: StoredManifest,
  options: { orFirstImage?: boolean } = {},
): Promise<RunnableImage | undefined> {
  let current = stored;
  // Nested indexes are legal; follow at most a few levels.
  for (let depth = 0; depth < 4; depth++) {
    const manifest = parseManifest(current.bytes, `${repository}@${current.digest}`);
    if (!isIndex(manifest)) {
      return {
        digest: current.digest,
        configDigest: manifest.config.digest,
        config: await client.getConfig(repository, manifest),
      };
    }
    const child =
      manifest.manifests.find(
        (m) => m.platform?.os === SERVER_PLATFORM.os && m.platform.architecture === SERVER_PLATFORM.architecture,
      ) ??
      (options.orFirstImage
        ? manifest.manifests.find((m) => m.platform !== undefined && m.platform.os !== 'unknown')
        : undefined);
    if (!child) return undefined;
    current = await client.getManifest(repository, child.digest);
  }
  return undefined;
}

/** Options of `status`. */
export interface StatusOptions extends LoginLookup {
  /** The digest the server runs now (`docker images --digests`, or the image ID): sets `updateAvailable`. */
  installed?: string;
  /** A login for a private repository; public ones are read anonymously. */
  credentials?: Credentials;
  /** Registry API base URL override. */
  registryUrl?: string;
  /** The fetch the registry client uses (tests wrap it). */
  fetch?: typeof fetch;
  logger?: Logger;
}

/** What a mercure server configured with a docker_tag gets at its next (hourly) pull. */
export interface ModuleStatus {
  /** The reference as mercure would pull it, normalised: `docker.io/acme/blur:1`. */
  image: string;
  /** The tag (mercure reads no tag as `latest`); undefined for a digest reference. */
  tag: string | undefined;
  /** floating: moves to new releases; fixed: a version (or sha-) tag that never moves; pinned: a digest. */
  follows: 'floating' | 'fixed' | 'pinned';
  /** The manifest digest the reference resolves to (an index digest for a multi-platform image). */
  digest: string;
  mediaType: string;
  /** The linux/amd64 image manifest's digest (equals `digest` for a single-platform image). */
  platformDigest: string;
  /** The config digest: the image ID `docker images` shows after the pull. */
  configDigest: string;
  /** The platforms the reference offers (`linux/amd64`, `linux/arm64`): an index's images, or the one image's. */
  platforms: string[];
  version: string | undefined;
  revision: string | undefined;
  created: string | undefined;
  installed: string | undefined;
  /** Whether the next pull brings a different image than `installed`; undefined without `installed`. */
  updateAvailable: boolean | undefined;
}

/**
 * What a mercure server configured with `image` (its docker_tag) gets at its next hourly pull:
 * the digest, the version/revision/created labels of the linux/amd64 image and, given the
 * installed digest, whether that pull is an update. Throws ModuleError 'tag-not-found' naming
 * the tag and some existing ones.
 */
export async function status(image: string, options: StatusOptions = {}): Promise<ModuleStatus> {
  const ref = parseReference(image);
  const installed = options.installed === undefined ? undefined : normaliseDigest(options.installed);
  const tag = ref.digest ? ref.tag : (ref.tag ?? 'latest');
  const credentials = await loginFor(ref.registry, options.credentials, options, options.logger ?? silentLogger);
  const client = registryClientFor(ref, { ...options, ...(credentials ? { credentials } : {}) });
  const wanted = ref.digest ?? tag ?? 'latest';
  const head = await client.headManifest(ref.repository, wanted);
  if (!head)
    throw await tagNotFound(
      client,
      ref.repository,
      formatReference({ ...ref, tag: undefined, digest: undefined }),
      wanted,
    );
  const stored = await client.getManifest(ref.repository, head.digest);
  const runnable = await runnableImage(client, ref.repository, stored);
  const shown = formatReference({ ...ref, tag });
  if (!runnable) {
    throw new ModuleError(
      'platform-not-found',
      `${shown} has no ${SERVER_PLATFORM.os}/${SERVER_PLATFORM.architecture} image`,
      {
        kind: 'refused',
        hint: `A mercure server (${SERVER_PLATFORM.os}/${SERVER_PLATFORM.architecture}) cannot pull it: publish an image built for that platform.`,
      },
    );
  }
  const labels = runnable.config.config?.Labels ?? {};
  const current = [stored.digest, runnable.digest, runnable.configDigest];
  return {
    image: shown,
    tag,
    follows: ref.digest ? 'pinned' : tryParseVersion(wanted) || wanted.startsWith('sha-') ? 'fixed' : 'floating',
    digest: stored.digest,
    mediaType: stored.mediaType,
    platformDigest: runnable.digest,
    configDigest: runnable.configDigest,
    platforms: (await manifestPlatforms(client, ref.repository, stored)).map((p) => p.platform),
    version: labels[LABEL.version],
    revision: labels[LABEL.revision],
    created: labels[LABEL.created],
    installed,
    updateAvailable: installed === undefined ? undefined : !current.includes(installed),
  };
}

/** ModuleError 'tag-not-found' for `name:tag`, listing a few tags the repository does have. */
export async function tagNotFound(
  client: RegistryClient,
  repository: string,
  name: string,
  ref: string,
): Promise<ModuleError> {
  const tags = orderTags((await client.listTags(repository)).filter((t) => !/^sha256-[a-f0-9]{64}/.test(t)));
  const shown = tags.slice(0, 8).join(', ');
  const more = tags.length > 8 ? ` (and ${tags.length - 8} more)` : '';
  const where = ref.includes(':') ? `${name}@${ref}` : `${name}:${ref}`;
  const has = tags.length === 0 ? `${name} has no tags` : `existing tags: ${shown}${more}`;
  return new ModuleError('tag-not-found', `${where} does not exist; ${has}`, {
    kind: 'usage',
    hint: 'Check the tag: a mercure server configured with it fails to pull and keeps running the image it has, if any.',
  });
}

function normaliseDigest(value: string): string {
  const digest = /^[a-f0-9]{64}$/.test(value) ? `sha256:${value}` : value;
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new ModuleError('installed-invalid', `installed digest "${value}" is not sha256:<64 hex digits>`, {
      hint: 'Give the digest the server has, e.g. from `docker images --digests` or `docker inspect --format {{.Id}}`.',
    });
  }
  return digest;
}
