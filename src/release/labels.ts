import { tryParseVersion } from './version.js';

/** What the OCI image labels are made from; every field is optional and empty ones are omitted. */
export interface OciLabelInput {
  /** The module's name -> org.opencontainers.image.title. */
  readonly name?: string | undefined;
  /** The version being published; `v1.2.3` and `refs/tags/v1.2.3` are written as 1.2.3. */
  readonly version?: string | undefined;
  /** The git commit -> org.opencontainers.image.revision. */
  readonly revision?: string | undefined;
  /** The git remote: SSH and credential-bearing HTTPS forms are written as a clean https URL. */
  readonly source?: string | undefined;
  /** The build time (pass `now`) -> org.opencontainers.image.created as ISO 8601. */
  readonly created?: Date | undefined;
  /** SPDX expression -> org.opencontainers.image.licenses. */
  readonly license?: string | undefined;
  readonly description?: string | undefined;
  readonly url?: string | undefined;
  readonly vendor?: string | undefined;
  readonly documentation?: string | undefined;
  /** Labels that win over the generated ones (any key); an empty value removes the label. */
  readonly overrides?: Readonly<Record<string, string>>;
}

const NS = 'org.opencontainers.image.';
// Keys whose values are URLs: credentials are stripped from them even when they come from overrides.
const URL_KEYS = [`${NS}source`, `${NS}url`, `${NS}documentation`];

/** org.opencontainers.image.* labels for a module image; pure, and never carries credentials. */
export function ociLabels(input: OciLabelInput): Record<string, string> {
  const version = input.version?.trim();
  const generated: Record<string, string | undefined> = {
    [`${NS}title`]: input.name,
    [`${NS}description`]: input.description,
    // The full version, build metadata included: a label can hold '+' where a tag cannot.
    [`${NS}version`]: version === undefined ? undefined : (tryParseVersion(version)?.full ?? version),
    [`${NS}revision`]: input.revision,
    [`${NS}source`]: input.source === undefined ? undefined : normaliseSourceUrl(input.source),
    [`${NS}created`]: input.created?.toISOString(),
    [`${NS}licenses`]: input.license,
    [`${NS}url`]: input.url,
    [`${NS}vendor`]: input.vendor,
    [`${NS}documentation`]: input.documentation,
    ...input.overrides,
  };
  const labels: Record<string, string> = {};
  for (const [key, raw] of Object.entries(generated)) {
    let value = raw?.trim();
    if (value && URL_KEYS.includes(key)) value = stripCredentials(value);
    if (value) labels[key] = value;
  }
  return labels;
}

/**
 * A git remote as a browsable https URL without credentials: `git@github.com:a/b.git`,
 * `ssh://git@host:22/a/b.git` and `https://user:token@github.com/a/b.git` all become
 * `https://<host>/a/b`. Undefined for what is not a remote on a host (a local path, `file://`).
 */
export function normaliseSourceUrl(remote: string): string | undefined {
  const value = remote.trim();
  let host: string;
  let path: string;
  let scheme = 'https';
  const scp = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)([^\s]+)$/.exec(value);
  if (scp && !/^[A-Za-z]:[\\/]/.test(value)) {
    // scp-like SSH syntax: [user@]host:path (a Windows drive letter is a local path, not a host).
    [, host = '', path = ''] = scp;
  } else {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(url.protocol) || url.hostname === '')
      return undefined;
    host = url.hostname;
    path = url.pathname;
    // http stays http (an internal server may not speak TLS), with its port; ssh and git ports mean nothing to a browser.
    if (url.protocol === 'http:') scheme = 'http';
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.port) host = `${host}:${url.port}`;
  }
  path = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (path === '') return undefined;
  return `${scheme}://${host.toLowerCase()}/${path}`;
}

/** Remove user:password@ from a URL (CI remotes carry tokens there); other text is returned as is. */
export function stripCredentials(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (!url.username && !url.password) return value;
  url.username = '';
  url.password = '';
  return url.toString();
}
