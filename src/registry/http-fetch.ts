// The fetch that blob bytes travel through: node:http(s) behind fetch's signature. Node's fetch
// (undici) copies each chunk of a streamed request body through web streams: measured here, a
// 300 MB cross-registry copy spent ~2 s of CPU in our process with fetch at both ends and ~0.8 s
// with node:http, where the registry at the far end spends ~1.2 s. Only blob GETs and streamed
// PUTs come here; everything else keeps the global fetch. A GET goes over a bare socket
// (./http-get.ts: node:http's reads allocate and copy every chunk); the PUT's chunks, when lent by
// such a GET, go back to its pool once written. Failures look as fetch's do (TypeError 'fetch
// failed' with the socket error as cause, the signal's reason on an abort), so the retry core
// judges both alike.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { type Answer, getOverSocket, givesBack, guardSocket } from './http-get.js';

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};
/** The node stream behind each answer's body, while nobody has read the body through the web stream. */
const rawBodies = new WeakMap<Response, { stream: Answer; taken: boolean }>();
const NULL_BODY = new Set([101, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** A Buffer body is written this much at a time (see sendBody). */
const WRITE_SLICE = 256 * 1024;

/**
 * The answer's body as the node stream it arrived on (no web-stream copies), when `response` came
 * from `httpFetch` and its body has not been read otherwise; undefined for any other Response
 * (a test's wrapped fetch may hand back its own).
 */
export function rawBody(response: Response): Readable | undefined {
  const raw = rawBodies.get(response);
  if (!raw || raw.taken || response.bodyUsed) return undefined;
  raw.taken = true;
  return raw.stream;
}

/**
 * fetch over node:http(s): the body may be a Buffer, a string or an async iterable (sent as it
 * is read, with backpressure). Redirects are followed as fetch follows them (blob GETs of hosted
 * registries redirect to their storage; the Authorization header stays behind when the origin
 * changes), except for a streamed body, which cannot be sent twice.
 */
export async function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  let url = new URL(input instanceof Request ? input.url : String(input));
  let request = init;
  for (let hops = 0; ; hops++) {
    const response = await sendOnce(url, request);
    const location = REDIRECT.has(response.status) ? response.headers.get('location') : null;
    if (location === null || init.redirect === 'manual') return response;
    await response.body?.cancel().catch(() => {});
    const replayable = request.body === undefined || request.body === null || request.body instanceof Uint8Array;
    if (init.redirect === 'error' || !replayable || hops >= MAX_REDIRECTS) {
      throw new TypeError('fetch failed', {
        cause: new Error(`unexpected redirect to ${new URL(location, url).origin}`),
      });
    }
    const next = new URL(location, url);
    const headers = new Headers(request.headers);
    if (next.origin !== url.origin) headers.delete('authorization');
    const method = request.method ?? 'GET';
    const toGet =
      response.status === 303
        ? method !== 'HEAD'
        : (response.status === 301 || response.status === 302) && method === 'POST';
    request = toGet ? { ...request, method: 'GET', headers, body: null } : { ...request, headers };
    url = next;
  }
}

function sendOnce(url: URL, init: RequestInit): Promise<Response> {
  const signal = init.signal ?? undefined;
  // fetch rejects with the signal's reason as it is (a string for abort('SIGTERM')).
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
  // A GET's answer is the large one (a blob): its body is read into reused buffers (./http-get.ts).
  if ((init.method ?? 'GET') === 'GET' && (init.body === undefined || init.body === null)) {
    return getOverSocket(url, headerRecord(init.headers), signal).then((answer) => {
      const status = answer.statusCode ?? 0;
      if (status >= 200 && status <= 599) return toResponse(answer, false, signal);
      answer.destroy();
      throw new TypeError('fetch failed', { cause: new Error(`unexpected HTTP status ${status}`) });
    });
  }
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      request.destroy();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as fetch: an abort's reason as it is
      reject(error);
    };
    const onAbort = () => fail(abortReason(signal));
    const request = client.request(url, {
      method: init.method ?? 'GET',
      headers: headerRecord(init.headers),
      agent: agents[url.protocol as 'http:' | 'https:'],
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
    request.on('socket', (socket: Socket) => watchSocket(request, socket));
    request.on('response', (answer) => {
      signal?.removeEventListener('abort', onAbort);
      if (settled) {
        answer.destroy();
        return;
      }
      settled = true;
      const status = answer.statusCode ?? 0;
      if (status < 200 || status > 599) {
        answer.destroy();
        reject(new TypeError('fetch failed', { cause: new Error(`unexpected HTTP status ${status}`) }));
        return;
      }
      // From here a broken connection shows as an error of the body stream, as with fetch.
      if (signal) {
        const cut = () => answer.destroy(asError(abortReason(signal)));
        signal.addEventListener('abort', cut, { once: true });
        answer.once('close', () => signal.removeEventListener('abort', cut));
      }
      resolve(toResponse(answer, init.method === 'HEAD', signal));
    });
    sendBody(request, init.body).catch((error: unknown) => {
      // The source of a streamed body failed (a digest mismatch, a lost GET): the request is cut
      // before its last byte, so the registry cannot store a partial blob.
      request.destroy();
      fail(error);
    });
  });
}

async function sendBody(request: http.ClientRequest, body: RequestInit['body']): Promise<void> {
  if (body === undefined || body === null) {
    request.end();
    return;
  }
  if (typeof body === 'string') {
    request.end(body);
    return;
  }
  if (body instanceof Uint8Array) {
    // In slices: the silence limit counts a write as activity when it completes, and one write of
    // a 16 MiB chunk over a slow uplink would be one long silence. Its length is known: said, as
    // end(body) said it (a first write() alone would send the body chunked).
    if (!request.headersSent && !request.hasHeader('content-length')) request.setHeader('Content-Length', body.length);
    for (let at = 0; at < body.length; at += WRITE_SLICE) {
      if (request.destroyed) return;
      if (!request.write(body.subarray(at, at + WRITE_SLICE))) await drained(request);
    }
    request.end();
    return;
  }
  if (!isAsyncIterable(body)) throw new TypeError('httpFetch sends a Buffer, a string or an async iterable only');
  for await (const chunk of body) {
    if (request.destroyed) return;
    // A lent chunk (a blob GET's, ./http-get.ts) goes back to its pool once the socket has taken it.
    if (!request.write(chunk, givesBack(chunk))) await drained(request);
  }
  request.end();
}

/** Waits until the request takes more bytes, or it is gone (its own error is reported elsewhere). */
function drained(request: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off('drain', done);
      request.off('close', done);
      resolve();
    };
    request.on('drain', done);
    request.on('close', done);
  });
}

/** A connect timeout, then an idle timeout: a peer that stops reading, writing or answering is a lost connection. */
function watchSocket(request: http.ClientRequest, socket: Socket): void {
  guardSocket(
    socket,
    (ms, onIdle) => request.setTimeout(ms, onIdle),
    (error) => request.destroy(error),
  );
}

function toResponse(answer: Answer, head: boolean, signal: AbortSignal | undefined): Response {
  const status = answer.statusCode ?? 0;
  const headers = new Headers();
  for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
    try {
      headers.append(answer.rawHeaders[i] ?? '', answer.rawHeaders[i + 1] ?? '');
    } catch {
      // A header fetch would refuse to hold: leave it out, as it carries nothing we read.
    }
  }
  const init = { status, statusText: answer.statusMessage ?? '', headers };
  if (head || NULL_BODY.has(status)) {
    answer.resume();
    return new Response(null, init);
  }
  const raw = { stream: answer, taken: false };
  const response = new Response(lazyWebBody(answer, raw, signal), init);
  rawBodies.set(response, raw);
  return response;
}

/** The body as a web stream that starts reading only when pulled, so `rawBody` can take it untouched. */
function lazyWebBody(
  answer: Answer,
  raw: { taken: boolean },
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  let chunks: AsyncIterator<Buffer> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        raw.taken = true;
        chunks ??= (answer as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.length));
        } catch (error) {
          // As fetch: an abort ends the body with the signal's reason, a broken connection as 'terminated'.
          controller.error(signal?.aborted ? abortReason(signal) : new TypeError('terminated', { cause: error }));
        }
      },
      cancel() {
        raw.taken = true;
        answer.destroy();
      },
    },
    // No read ahead: a stream that pulls at once would take the body from under rawBody.
    { highWaterMark: 0 },
  );
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  return Object.fromEntries(new Headers(headers).entries());
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
