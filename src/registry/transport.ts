import { ModuleError } from '../errors.js';
import { displayUrl, isRetryableNetworkCode, sendWithRetries, type Peer } from '../retry/index.js';
import { markTransient } from './transient.js';

/** How requests reach a registry: the retry core's peer (fetch, policy, waits, signal, log). */
export type Transport = Peer;

/** One HTTP request; `replayable` says whether its body can be sent again (a stream cannot). */
export type SendInit = RequestInit & {
  replayable: boolean;
  /**
   * Read a 2xx body (at most this many bytes) before returning, so that a connection lost while
   * the body arrives is retried like one lost before the answer.
   */
  buffer?: number;
  /** Not cut by the abort signal once sent: a manifest PUT either lands or not, never unknown. */
  atomic?: boolean;
};

/**
 * Sends a request, retrying 408/429/5xx answers and reset connections as the policy allows (only
 * when the body can be replayed), and turning "could not connect" into ModuleError
 * 'registry-unreachable' and an abort into ModuleError 'interrupted'. Any other status is
 * returned for the caller to judge.
 */
export async function send(transport: Transport, url: string, init: SendInit): Promise<Response> {
  const { replayable, buffer, atomic, ...requestInit } = init;
  const method = init.method ?? 'GET';
  return sendWithRetries(transport, {
    url,
    init: requestInit,
    peer: 'registry',
    replayable,
    ...(atomic ? { atomic } : {}),
    ...(buffer !== undefined
      ? {
          receive: (response: Response) =>
            response.ok && method !== 'HEAD' ? buffered(response, buffer, url) : response,
        }
      : {}),
    unreachable: (code, error) => unreachable(url, code, error),
  });
}

async function buffered(response: Response, limit: number, url: string): Promise<Response> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new ModuleError(
      'registry-bad-response',
      `${displayUrl(url)} answered ${declared} bytes, more than the ${limit} expected`,
      { kind: 'environment' },
    );
  }
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength > limit) {
    throw new ModuleError(
      'registry-bad-response',
      `${displayUrl(url)} answered more than the ${limit} bytes expected`,
      { kind: 'environment' },
    );
  }
  return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function unreachable(url: string, code: string, error: unknown): ModuleError {
  const where = displayUrl(url);
  const host = new URL(url).host;
  let check: string;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    check = `Check the host name "${new URL(url).hostname}" and this machine's DNS and network.`;
  } else if (/SSL|CERT|UNABLE_TO/.test(code)) {
    check = `Check that ${host} speaks https with a certificate this machine trusts; a plain-http registry needs its http:// URL given explicitly.`;
  } else if (isRetryableNetworkCode(code)) {
    check = `The connection to ${host} kept breaking; check the network and any proxy in between, then run the same command again.`;
  } else {
    check = `Check that the registry is running and listening on ${host}, and that no firewall or proxy is in the way.`;
  }
  // Keep only the code and message of the cause: the original may carry the request it failed on.
  const cause = error instanceof Error ? Object.assign(new Error(error.message), { code }) : undefined;
  const what = isRetryableNetworkCode(code) ? 'lost the connection' : 'is unreachable';
  const failure = new ModuleError('registry-unreachable', `registry at ${where} ${what} (${code})`, {
    kind: 'environment',
    hint: check,
    cause,
  });
  return isRetryableNetworkCode(code) ? markTransient(failure, { networkCode: code }) : failure;
}
