import { inputForMessage, ModuleError } from '../errors.js';

// The grammar of github.com/distribution/reference (what `docker pull` accepts), in pieces so each
// failure can name the rule it broke.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN_RE = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** Docker Hub's canonical name; `index.docker.io` is normalised to it. */
export const DOCKER_HUB = 'docker.io';
/** Docker's limit on the length of a full name (registry + '/' + repository). */
export const NAME_MAX_LENGTH = 255;

/** An image reference, normalised the way Docker does (`blur` is docker.io/library/blur). */
export interface ImageReference {
  /** Registry host with optional port: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  registry: string;
  /** Repository path inside the registry: `library/blur`, `acme/blur`. */
  repository: string;
  /** The tag, when one was given (Docker would assume `latest`). */
  tag: string | undefined;
  /** The digest (`sha256:…`), when one was given. */
  digest: string | undefined;
}

const TAG_RULE = 'a tag is 1 to 128 letters, digits, "_", "." or "-" and does not start with "." or "-"';
const PATH_RULE =
  'each path component is lowercase letters and digits, optionally separated by ".", "_", "__" or dashes, and may not start or end with a separator';

function invalid(value: string, rule: string): ModuleError {
  return new ModuleError('registry-reference', `invalid image reference "${inputForMessage(value)}": ${rule}`, {
    hint: 'Write it like acme/blur:1.0, ghcr.io/acme/blur or 127.0.0.1:5000/acme/blur (see `docker tag --help`).',
  });
}

/** Parses an image reference like `docker pull` does; throws ModuleError 'registry-reference'. */
export function parseReference(value: string): ImageReference {
  if (value.length === 0) throw invalid(value, 'it is empty');
  // Longer than any name, tag and digest together: refused before any rule reads it.
  if (value.length > NAME_MAX_LENGTH + 1 + 128 + 1 + 135)
    throw invalid(value, `it is ${value.length} characters long; a name is at most ${NAME_MAX_LENGTH}`);
  if (/\s/.test(value)) throw invalid(value, 'it contains whitespace');
  if (IDENTIFIER_RE.test(value)) throw invalid(value, 'a bare 64-character hex identifier is an image ID, not a name');

  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    assertDigest(digest, value);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw invalid(value, `tag "${inputForMessage(tag)}" is not valid: ${TAG_RULE}`);
  }
  const { registry, repository } = splitRegistry(rest);
  if (!DOMAIN_RE.test(registry)) {
    throw invalid(
      value,
      `registry host "${inputForMessage(registry)}" is not a valid host name, IP address or [IPv6] with an optional :port`,
    );
  }
  // The grammar allows any digits; a URL (and so every request) only 1 to 65535.
  const port = /:([0-9]+)$/.exec(registry)?.[1];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535))
    throw invalid(
      value,
      `port ${inputForMessage(port)} of registry host "${inputForMessage(registry)}" is not between 1 and 65535`,
    );
  assertRepositoryIn(repository, value);
  const name = `${registry}/${repository}`;
  if (name.length > NAME_MAX_LENGTH) {
    throw invalid(value, `the name is ${name.length} characters long; the limit is ${NAME_MAX_LENGTH}`);
  }
  return { registry, repository, tag, digest };
}

// Docker's rule: the first component is a registry if it has a '.' or ':' or is `localhost`
// (or has uppercase letters, which a repository may not); otherwise the name is on Docker Hub.
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { registry: DOCKER_HUB, repository: `library/${name}` };
  const first = name.slice(0, slash);
  const remainder = name.slice(slash + 1);
  const isHost = first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first;
  if (!isHost) return { registry: DOCKER_HUB, repository: name };
  if (first === 'index.docker.io' || first === DOCKER_HUB) {
    return { registry: DOCKER_HUB, repository: remainder.includes('/') ? remainder : `library/${remainder}` };
  }
  return { registry: first, repository: remainder };
}

function assertRepositoryIn(repository: string, value: string): void {
  if (repository.length === 0) throw invalid(value, 'the repository name is empty');
  if (repository.toLowerCase() !== repository) {
    throw invalid(value, `repository name "${inputForMessage(repository)}" must be lowercase`);
  }
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT_RE.test(component)) {
      const what = component === '' ? 'an empty path component' : `path component "${inputForMessage(component)}"`;
      throw invalid(value, `${what} is not allowed: ${PATH_RULE}`);
    }
  }
}

function assertDigest(digest: string, value: string): void {
  if (!DIGEST_RE.test(digest))
    throw invalid(value, `digest "${inputForMessage(digest)}" is not of the form algorithm:hex`);
  if (digest.startsWith('sha256:') && !SHA256_RE.test(digest)) {
    throw invalid(
      value,
      `digest "${inputForMessage(digest)}" must be "sha256:" followed by 64 lowercase hex characters`,
    );
  }
}

/** Throws ModuleError 'registry-reference' unless `repository` is a valid repository path. */
export function assertRepository(repository: string): void {
  assertRepositoryIn(repository, repository);
}

/** Throws ModuleError 'registry-reference' unless `tag` is a valid tag. */
export function assertTag(tag: string): void {
  if (!TAG_RE.test(tag)) throw invalid(tag, `tag "${inputForMessage(tag)}" is not valid: ${TAG_RULE}`);
}

/** Whether `value` is a digest (`sha256:…`) rather than a tag. */
export function isDigest(value: string): boolean {
  return value.includes(':') && DIGEST_RE.test(value);
}

/** Throws ModuleError 'registry-reference' unless `ref` is a valid tag or digest. */
export function assertTagOrDigest(ref: string): void {
  if (ref.includes(':')) assertDigest(ref, ref);
  else assertTag(ref);
}

/** The canonical string: `docker.io/library/blur:1.0`, `ghcr.io/a/b@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Whether a registry host (with optional port) is this machine: 127.0.0.0/8, localhost, [::1]. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * The base URL of a registry's HTTP API (no trailing slash): Docker Hub is served by
 * registry-1.docker.io, loopback registries over http, all others over https. `override` (an
 * http(s) URL) wins, for registries behind a proxy or plain-http registries on a LAN.
 */
export function registryBaseUrl(registry: string, override?: string): string {
  if (override !== undefined) {
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      throw new ModuleError('registry-url', `registry URL "${inputForMessage(override)}" is not a URL`, {
        hint: 'Give the full base URL, like https://registry.example.com or http://10.0.0.5:5000.',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ModuleError(
        'registry-url',
        `registry URL "${inputForMessage(override)}" must start with http:// or https://`,
      );
    }
    if (url.username || url.password) {
      // Never echo it: the part before @ may be a password.
      throw new ModuleError(
        'registry-url',
        `the registry URL for ${url.host} carries a user or password before "@"; logins are given apart`,
        {
          hint: (say) =>
            `Drop "user:password@" from the URL and give ${say.option('username')} with ${say.option('password')} (or MERCURE_REGISTRY_USERNAME/PASSWORD).`,
        },
      );
    }
    return url.href.replace(/\/+$/, '');
  }
  if (registry === DOCKER_HUB) return 'https://registry-1.docker.io';
  return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`;
}
