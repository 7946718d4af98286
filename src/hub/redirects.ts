import { ModuleError } from '../errors.js';
import { displayUrl } from '../retry/index.js';
import { sendToHub, type HubTransport } from './http.js';

/** Redirects re-sent as they came; 303 ("see other") is not one: it means "done, read it there". */
const FOLLOWED = new Set([301, 302, 307, 308]);
const MAX_HOPS = 5;

/**
 * Sends a request to Hub, and answers a redirect by sending the SAME method and body to the new
 * place. fetch's own following turns a POST answered with 301/302 into a GET without a body, so
 * a visibility change (the undocumented privacy call, which Hub may redirect to its trailing-slash
 * form) would be answered 200 and never made. The bearer token only goes to Hub's own origin: a
 * redirect elsewhere is refused, not followed.
 */
export async function sendKeepingMethod(
  transport: HubTransport,
  url: string,
  init: RequestInit,
  what: string,
): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await sendToHub(transport, current, { ...init, redirect: 'manual' }, what);
    if (!FOLLOWED.has(response.status)) return response;
    const location = response.headers.get('location');
    await response.body?.cancel().catch(() => {});
    const next = location ? new URL(location, current) : undefined;
    if (next === undefined || next.origin !== new URL(url).origin || hop >= MAX_HOPS) {
      throw redirectRefused(what, response.status, current, next, hop >= MAX_HOPS);
    }
    transport.logger.debug(
      `hub: ${init.method ?? 'GET'} ${displayUrl(current)} -> ${response.status}, sent again to ${displayUrl(next.href)}`,
    );
    current = next.href;
  }
}

function redirectRefused(
  what: string,
  status: number,
  from: string,
  to: URL | undefined,
  tooMany: boolean,
): ModuleError {
  const why = tooMany
    ? `more than ${MAX_HOPS} redirects`
    : to === undefined
      ? 'a redirect with no Location'
      : `a redirect to another host (${to.host}), where the login is not sent`;
  return new ModuleError(
    'hub-redirected',
    `Docker Hub answered the request to ${what} with HTTP ${status} at ${displayUrl(from)}: ${why}`,
    {
      kind: 'environment',
      hint: "Check that the Docker Hub API URL is Hub's own (https://hub.docker.com), without a proxy that redirects.",
    },
  );
}
