import { inputForMessage, ModuleError } from '../errors.js';
import type { Credentials } from '../registry/auth.js';
import { registryClientFor } from './access/registry-access.js';
import { DOCKER_HUB, parseReference } from '../registry/reference.js';
import { compareVersions, tryParseVersion } from '../release/version.js';
import { silentLogger, type Logger } from '../logger.js';
import { loginFor, type LoginLookup } from './access/login.js';

/**
 * One entry of mercure-imaging/modules-registry's `modules.json` (the "Browse" list in mercure's
 * UI), with the fields in the order that file writes them.
 */
export interface ModulesRegistryEntry {
  /** Filled into mercure's "Name of module" field, which accepts only [0-9a-zA-Z_-]. */
  name: string;
  description: string;
  /** The module's source: `https://github.com/<owner>/<repo>`. */
  githubUrl: string;
  /** The image with its default tag (`acme/blur:latest`); the UI splits the tag off at the last ':'. */
  dockerhubImage: string;
  /** The tags the UI offers, latest first; each one is published. */
  supportedImageTags: string[];
  /** The UI then installs it as a MONAI application package (run as root). */
  isMonaiModule: boolean;
  /** `active` for every entry the registry lists today. */
  status: string;
}

/** What an entry is made from. */
export interface RegistryEntryInput {
  name: string;
  description: string;
  githubUrl: string;
  /** The repository (`acme/blur`, `ghcr.io/acme/blur`), optionally with the default tag. */
  image: string;
  /** The tags the repository holds (as the registry lists them). */
  tags: readonly string[];
  /** The tags to offer; default: latest, MAJOR and MAJOR.MINOR tags and release versions. */
  supported?: readonly string[];
  isMonaiModule?: boolean;
  status?: string;
}

const NAME_RE = /^[0-9a-zA-Z_-]+$/;
const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_RE = /^[A-Za-z0-9._-]{1,100}$/;
const FLOATING_RE = /^v?(\d+)(?:\.(\d+))?$/;

function invalid(field: string, message: string, hint?: string): ModuleError {
  return new ModuleError('registry-entry-invalid', `modules.json entry: ${field} ${message}`, {
    kind: 'usage',
    hint: hint ?? 'Fix the value named above; see https://github.com/mercure-imaging/modules-registry for the format.',
  });
}

/** Sort rank of a tag: latest, named tags (channels), MAJOR / MAJOR.MINOR, versions, then the rest. */
function rank(tag: string): number {
  if (tag === 'latest') return 0;
  if (FLOATING_RE.test(tag)) return 2;
  if (tryParseVersion(tag)) return 3;
  if (/^sha(256)?-/.test(tag)) return 4;
  return 1;
}

function compareTags(a: string, b: string): number {
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  if (rank(a) === 2) {
    const [, aMajor = '0', aMinor] = FLOATING_RE.exec(a) ?? [];
    const [, bMajor = '0', bMinor] = FLOATING_RE.exec(b) ?? [];
    if (aMajor !== bMajor) return Number(bMajor) - Number(aMajor);
    if (aMinor === undefined || bMinor === undefined) return aMinor === undefined ? (bMinor === undefined ? 0 : -1) : 1;
    return Number(bMinor) - Number(aMinor);
  }
  if (rank(a) === 3) {
    const [va, vb] = [tryParseVersion(a), tryParseVersion(b)];
    if (va && vb && compareVersions(vb, va) !== 0) return compareVersions(vb, va);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tags in the order the UI should offer them: latest, named tags, MAJOR then its MAJOR.MINOR descending, versions descending, the rest. */
export function orderTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort(compareTags);
}

/** The tags offered by default: latest, MAJOR and MAJOR.MINOR tags and release versions (no prereleases, channels or sha- tags). */
export function defaultSupportedTags(tags: readonly string[]): string[] {
  return orderTags(
    tags.filter((t) => t === 'latest' || FLOATING_RE.test(t) || tryParseVersion(t)?.isPrerelease === false),
  );
}

/** `https://github.com/<owner>/<repo>` (or a folder of it under /tree/), normalised; throws unless it is one. */
export function checkGithubUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid(
      'githubUrl',
      `"${value}" is not a URL`,
      'Give the repository page, e.g. https://github.com/acme/mercure-blur.',
    );
  }
  // Never echo a URL that carries a login: it would print the token.
  const shown = url.username || url.password ? `${url.protocol}//${url.host}${url.pathname}` : value;
  if (url.protocol !== 'https:') throw invalid('githubUrl', `"${shown}" must start with https://`);
  if (url.hostname !== 'github.com' && url.hostname !== 'www.github.com')
    throw invalid('githubUrl', `"${shown}" is not on github.com`);
  if (url.username || url.password) throw invalid('githubUrl', `"${shown}" must not carry a login`);
  if (url.port || url.search || url.hash) throw invalid('githubUrl', `"${shown}" must have no port, query or fragment`);
  const parts = url.pathname.replace(/\/+$/, '').split('/').slice(1);
  const [owner = '', rawRepo = ''] = parts;
  const repo = rawRepo.replace(/\.git$/, '');
  if (!OWNER_RE.test(owner) || !REPO_RE.test(repo) || repo === '.' || repo === '..') {
    throw invalid('githubUrl', `"${shown}" does not name a repository: expected https://github.com/<owner>/<repo>`);
  }
  const folder = parts.slice(2);
  if (folder.length > 0 && (folder[0] !== 'tree' || folder.length < 3)) {
    throw invalid(
      'githubUrl',
      `"${shown}" points inside the repository: only /tree/<branch>/<folder> is accepted there`,
    );
  }
  return `https://github.com/${[owner, repo, ...folder].join('/')}`;
}

/** The entry's own fields, checked and normalised: everything that needs no registry. */
function checkFields(input: Omit<RegistryEntryInput, 'tags'>): {
  name: string;
  description: string;
  githubUrl: string;
  status: string;
} {
  const name = input.name.trim();
  if (!NAME_RE.test(name)) {
    throw invalid(
      'name',
      `"${inputForMessage(input.name)}" must be letters, digits, "_" and "-" only (mercure's module name rule)`,
    );
  }
  const description = input.description.trim();
  if (description === '') throw invalid('description', 'is empty', 'Describe in a sentence what the module does.');
  const githubUrl = checkGithubUrl(input.githubUrl);
  const status = input.status ?? 'active';
  if (!/^[a-z]+$/.test(status))
    throw invalid('status', `"${inputForMessage(status)}" must be a lowercase word such as active`);
  return { name, description, githubUrl, status };
}

/** Builds and validates a modules.json entry from the tags a repository holds. */
export function registryEntry(input: RegistryEntryInput): ModulesRegistryEntry {
  const { name, description, githubUrl, status } = checkFields(input);
  const ref = parseReference(input.image);
  if (ref.digest) throw invalid('image', `"${input.image}" must name a repository (and tag), not a digest`);
  const existing = new Set(input.tags);
  const repository = familiarName(ref.registry, ref.repository);
  for (const tag of input.supported ?? []) {
    if (!existing.has(tag)) {
      throw invalid(
        'supportedImageTags',
        `lists "${tag}", which ${repository} does not have`,
        `Publish it first, or offer only existing tags: ${orderTags(input.tags).slice(0, 8).join(', ')}.`,
      );
    }
  }
  const supported = orderTags(input.supported ?? defaultSupportedTags(input.tags));
  if (ref.tag !== undefined && !existing.has(ref.tag)) {
    throw invalid('image', `names tag "${ref.tag}", which ${repository} does not have`);
  }
  const defaultTag = ref.tag ?? (supported.includes('latest') ? 'latest' : supported[0]);
  if (defaultTag === undefined) {
    throw invalid(
      'supportedImageTags',
      `is empty: ${repository} has no latest, MAJOR, MAJOR.MINOR or release tag`,
      'Publish a release first, or name the tags to offer.',
    );
  }
  // The UI adds the image's own tag to the list when missing; list it ourselves, in order.
  const supportedImageTags = orderTags([...supported, defaultTag]);
  return {
    name,
    description,
    githubUrl,
    dockerhubImage: `${repository}:${defaultTag}`,
    supportedImageTags,
    isMonaiModule: input.isMonaiModule ?? false,
    status,
  };
}

/** Docker's short form of a name: `acme/blur` on Docker Hub, `ghcr.io/acme/blur` elsewhere. */
function familiarName(registry: string, repository: string): string {
  if (registry !== DOCKER_HUB) return `${registry}/${repository}`;
  return repository.startsWith('library/') ? repository.slice('library/'.length) : repository;
}

/** Options of `registryEntryFromRegistry`: the entry's fields and how to reach the registry. */
export interface RegistryEntryFromRegistryOptions extends Omit<RegistryEntryInput, 'tags'>, LoginLookup {
  credentials?: Credentials;
  registryUrl?: string;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** Reads the published tags of `image` from its registry and builds the validated entry. */
export async function registryEntryFromRegistry(
  options: RegistryEntryFromRegistryOptions,
): Promise<ModulesRegistryEntry> {
  // Bad fields are refused before the registry is asked anything.
  checkFields(options);
  const ref = parseReference(options.image);
  const credentials = await loginFor(ref.registry, options.credentials, options, options.logger ?? silentLogger);
  const client = registryClientFor(ref, { ...options, ...(credentials ? { credentials } : {}) });
  const tags = await client.listTags(ref.repository);
  const { credentials: _c, registryUrl: _u, fetch: _f, logger: _l, dockerConfig: _d, env: _e, ...input } = options;
  return registryEntry({ ...input, tags });
}
