import { ModuleError } from '../errors.js';
import { displayUrl } from '../retry/index.js';

const BODY_LIMIT = 4 * 1024;
const SAID_LIMIT = 300;

/**
 * What Hub said in an error body (`{"errinfo","detail","message"}`), scrubbed by `redact` and cut
 * short; empty when it said nothing readable. Consumes the body.
 */
export async function readHubMessage(response: Response, redact: (text: string) => string): Promise<string> {
  let text: string;
  try {
    text = (await response.text()).slice(0, BODY_LIMIT);
  } catch {
    return '';
  }
  let said = '';
  try {
    const body = JSON.parse(text) as { message?: unknown; detail?: unknown; text?: unknown };
    const parts = [body.message, body.detail, body.text].filter(
      (part): part is string => typeof part === 'string' && part !== '',
    );
    said = [...new Set(parts)].join(': ');
  } catch {
    said = '';
  }
  said = redact(said).replace(/\s+/g, ' ').trim();
  return said.length > SAID_LIMIT ? `${said.slice(0, SAID_LIMIT)}…` : said;
}

function saying(said: string): string {
  return said ? ` (Hub said: ${said})` : '';
}

/** ModuleError 'hub-unreachable': no connection to Hub at `url`. */
export function hubUnreachable(url: string, code: string, error: unknown): ModuleError {
  const host = new URL(url).host;
  // Keep only the code and message of the cause: the original may carry the request it failed on.
  const cause = error instanceof Error ? Object.assign(new Error(error.message), { code }) : undefined;
  return new ModuleError('hub-unreachable', `Docker Hub at ${displayUrl(url)} is unreachable (${code})`, {
    kind: 'environment',
    hint: `Check this machine's network, DNS and proxy settings for ${host}, and https://www.dockerstatus.com.`,
    cause,
  });
}

/** ModuleError 'hub-rate-limited': Hub refuses requests until `until` (ms since the epoch), if known. */
export function hubRateLimited(what: string, until: number | undefined, now: number): ModuleError {
  const when =
    until === undefined
      ? 'it named no time to try again'
      : `it accepts requests again at ${new Date(until).toISOString()} (in ${Math.max(1, Math.ceil((until - now) / 1000))} s)`;
  return new ModuleError('hub-rate-limited', `Docker Hub rate limit reached on ${what}: ${when}`, {
    kind: 'environment',
    hint: until === undefined ? 'Wait a minute and run again.' : `Run again after ${new Date(until).toISOString()}.`,
  });
}

/** ModuleError 'hub-auth': Hub refused the login of `username`. */
export function hubLoginRefused(username: string, said: string): ModuleError {
  return new ModuleError(
    'hub-auth',
    `Docker Hub refused the login of user ${username}: check the username and the password or access token${saying(said)}`,
    {
      kind: 'environment',
      hint: 'Use a personal access token: "Read & Write" scope is enough to create a repository and push; setting the description, README or visibility of an existing repository needs "Read, Write, Delete". Or an organisation access token with the organisation name as the user.',
    },
  );
}

/** ModuleError 'hub-auth': a request needs a login and none was given, or Hub refused the session. */
export function hubUnauthorized(what: string, username: string | undefined): ModuleError {
  const message =
    username === undefined
      ? `Docker Hub requires a login to ${what} and no credentials were given`
      : `Docker Hub refused the session of user ${username} to ${what}`;
  return new ModuleError('hub-auth', message, {
    kind: 'environment',
    hint: 'Give a Docker Hub username and a password or access token that is still valid.',
  });
}

/** What each kind of Hub write needs, in the words of Hub's access token settings. */
export const HUB_TOKEN_SCOPES = {
  write:
    'creating and pushing to a repository needs an access token with at least "Read & Write" scope, and write access to the namespace (your own, or an organisation team with Read & Write or Admin permission)',
  admin:
    'changing a repository\'s description or visibility needs an access token with "Read, Write, Delete" scope: a "Read & Write" token gets 403 there; on an organisation\'s repository the user also needs admin rights (an owner, or a team with Admin permission)',
} as const;

/**
 * ModuleError 'hub-forbidden' (HTTP 403): the account or its token may not do `call.what`. The
 * message says which scope and rights such a call needs, since Hub itself only says "permission
 * denied" or "insufficient scope".
 */
export function hubForbidden(
  call: { namespace: string; what: string; needs?: keyof typeof HUB_TOKEN_SCOPES },
  username: string | undefined,
  said: string,
): ModuleError {
  const who = username === undefined ? 'an anonymous caller' : `user ${username}`;
  const needs = call.needs ?? 'write';
  return new ModuleError(
    'hub-forbidden',
    `Docker Hub answered 403 (forbidden): it does not let ${who} ${call.what} in namespace ${call.namespace}${saying(said)}; ${HUB_TOKEN_SCOPES[needs]}`,
    {
      kind: 'environment',
      hint: (say) =>
        needs === 'admin'
          ? `Create a personal access token with "Read, Write, Delete" scope for ${username ?? 'the account'} (Account settings > Personal access tokens) and use it as the password${call.namespace === username ? '' : `, and check that ${username ?? 'the account'} is an admin of ${call.namespace}'s repository`}; or leave the repository's settings as they are (no ${say.option('description')}, ${say.option('readme')}, ${say.option('changeVisibility')}).`
          : `Check that ${username ?? 'the account'} may write to ${call.namespace} (an organisation member with write or admin access) and that the access token has "Read & Write" scope or more.`,
    },
  );
}

/** ModuleError 'hub-namespace-not-found': creating a repository in a namespace Hub does not know. */
export function hubNamespaceNotFound(namespace: string, username: string | undefined): ModuleError {
  return new ModuleError(
    'hub-namespace-not-found',
    `namespace ${namespace} does not exist on Docker Hub${username ? ` or user ${username} cannot see it` : ''}`,
    {
      kind: 'usage',
      hint: 'Check the spelling of the user or organisation name in the image reference; Hub namespaces are lower case.',
    },
  );
}

/** ModuleError 'hub-repository-not-found': the repository is not on Hub (or hidden from this account). */
export function hubRepositoryNotFound(repository: string): ModuleError {
  return new ModuleError('hub-repository-not-found', `repository ${repository} does not exist on Docker Hub`, {
    kind: 'usage',
    hint: 'Create it first (publishing does so with the requested visibility), or check the name.',
  });
}

/** ModuleError 'hub-server-error': Hub kept failing on its side. */
export function hubServerError(status: number, what: string, said: string): ModuleError {
  return new ModuleError('hub-server-error', `Docker Hub answered HTTP ${status} to ${what}${saying(said)}`, {
    kind: 'environment',
    hint: 'Docker Hub failed on its side; try again later and check https://www.dockerstatus.com.',
  });
}

/** ModuleError 'hub-rejected': Hub refused the request as sent (400, 409, ...). */
export function hubRejected(status: number, what: string, said: string): ModuleError {
  return new ModuleError('hub-rejected', `Docker Hub answered HTTP ${status} to ${what}${saying(said)}`, {
    kind: 'environment',
    hint: 'Hub refused the request as sent; its message says why.',
  });
}
