// Blob GETs over a bare socket. Node's HTTP client reads each chunk into a fresh 64 KiB buffer and
// its parser copies the body out of it into another new Buffer (llhttp's on_body); measured here,
// reading 300 MB from a loopback registry cost ~0.8 CPU-s that way, where reading into reused
// buffers (the `onread` option of net.connect and tls.connect) cost ~0.18 CPU-s and curl ~0.35.
// undici makes the same copies (its parser runs in wasm memory). A cross-registry copy is bound by
// the CPU its two ends and the registries share, so blob GETs, the one request whose answer is
// large, go through this minimal HTTP/1.1 client: one request per connection (Connection: close),
// the head parsed here (RFC 9112: status line, header fields, the body framed by the chunked
// transfer coding, Content-Length or the end of the connection), the body handed on as views of
// pooled buffers.
// A chunk handed on is lent: `giveBack(chunk)` returns its buffer to the pool once the consumer is
// done with it (the upload's write callback does). A chunk never given back is garbage collected
// like any Buffer, so a consumer that keeps chunks, or does not know about lending, is safe.
import net from 'node:net';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { responseTimeoutMs } from '../retry/index.js';

/** What fetch's callers read of an answer: node:http's IncomingMessage and ours both are one. */
export interface Answer extends Readable {
  statusCode?: number | undefined;
  statusMessage?: string | undefined;
  rawHeaders: string[];
}

/** How long a connection may take to open (undici's default too). */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Each read takes up to this many bytes: 128 KiB from a plain socket; TLS hands over one record at
 * a time (at most 16 KiB of plaintext), so a larger buffer would hold 16 KiB and pin the rest.
 */
const READ_BYTES = { plain: 128 * 1024, tls: 16 * 1024 };
/** Bytes an answer holds read ahead before it pauses its socket, and at most twice that in its pool. */
const READ_AHEAD_BYTES = 1024 * 1024;
/** A head (status line and fields) longer than this is refused, as node:http refuses one over 16 KiB. */
const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line or a trailer line longer than this is refused. */
const MAX_LINE_BYTES = 4096;

interface Lease {
  buffer: Buffer;
  count: number;
  pool: Buffer[];
  poolMax: number;
}
const leases = new WeakMap<Uint8Array, Lease>();

/** Returns a lent chunk's buffer to its pool (once every chunk lent from it is back); anything else is ignored. */
export function giveBack(chunk: Uint8Array): void {
  const lease = leases.get(chunk);
  if (!lease) return;
  leases.delete(chunk);
  release(lease);
}

/** One holder of the buffer is done with it; the last one puts it back in its pool (unless the pool is full). */
function release(lease: Lease): void {
  if (--lease.count === 0 && lease.pool.length < lease.poolMax) lease.pool.push(lease.buffer);
}

/** The callback that gives `chunk` back, for a write that lets go of it when it calls back; undefined when not lent. */
export function givesBack(chunk: Uint8Array): (() => void) | undefined {
  return leases.has(chunk) ? () => giveBack(chunk) : undefined;
}

/**
 * A connect timeout, then a limit on silence (MERCURE_MODULE_REQUEST_TIMEOUT): a body takes as long
 * as it takes, but a peer that stops reading, writing or answering is a lost connection.
 * `fail` gets an error with code ETIMEDOUT.
 */
export function guardSocket(
  socket: net.Socket,
  setIdle: (ms: number, onIdle: () => void) => void,
  fail: (error: Error) => void,
): void {
  const timedOut = (what: string) => fail(Object.assign(new Error(what), { code: 'ETIMEDOUT' }));
  if (socket.connecting) {
    const timer = setTimeout(
      () => timedOut(`connect timed out after ${CONNECT_TIMEOUT_MS / 1000} s`),
      CONNECT_TIMEOUT_MS,
    );
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  }
  const idle = responseTimeoutMs();
  setIdle(idle, () => timedOut(`no byte to or from the peer for ${idle / 1000} s`));
}

type Framing = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

/** A protocol error in the answer, coded as node:http's parser codes it. */
function parseError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * GET `url` with `headers` on a connection of its own. Resolves with the answer once its head has
 * arrived; rejects as fetch rejects (TypeError 'fetch failed' with the socket's error as cause, or
 * the signal's reason). From then on a lost connection is an error of the answer's stream
 * (ECONNRESET when it ends before the body's declared end). With `socketPath` the request goes to
 * that unix socket (the Docker Engine's), `url` naming the path and the Host header. With
 * `silenceLimit: false` only opening the connection is timed: for a peer that may rightly take long
 * before its first byte, or an answer that waits unread (the Engine's export), as dockerode never
 * timed either.
 */
export function getOverSocket(
  url: URL,
  headers: Record<string, string>,
  signal?: AbortSignal,
  options: { socketPath?: string; silenceLimit?: boolean } = {},
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const tlsSocket = !options.socketPath && url.protocol === 'https:';
    const answer = new SocketAnswer(tlsSocket ? READ_BYTES.tls : READ_BYTES.plain);
    let state: 'waiting' | 'answered' | 'failed' = 'waiting';
    const fail = (error: unknown) => {
      socket.destroy();
      if (state === 'answered') answer.destroy(asError(error));
      else if (state === 'waiting') {
        state = 'failed';
        signal?.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as fetch: an abort's reason as it is
        reject(error);
      }
    };
    /** Before the head, a failure is fetch's TypeError; after it, an error of the body. */
    const lost = (error: Error) => fail(state === 'waiting' ? new TypeError('fetch failed', { cause: error }) : error);
    const onAbort = () => fail(state === 'waiting' ? (signal?.reason ?? abortError()) : signal?.reason);
    const request = requestHead(url, headers);
    const onread = {
      buffer: () => answer.nextBuffer(),
      callback: (n: number, buffer: Uint8Array) => answer.took(n, buffer as Buffer),
    };
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const socket = options.socketPath
      ? net.connect({ path: options.socketPath, onread })
      : url.protocol === 'https:'
        ? // tls.connect takes onread as net.connect does since Node 15.1 (nodejs/node#35753); @types/node omits it.
          tls.connect({
            host,
            port,
            servername: net.isIP(host) ? '' : host,
            ALPNProtocols: ['http/1.1'],
            onread,
          } as tls.ConnectionOptions)
        : net.connect({ host, port, onread });
    answer.socket = socket;
    answer.onHead = () => {
      if (state !== 'waiting') return;
      state = 'answered';
      signal?.removeEventListener('abort', onAbort);
      if (signal) {
        signal.addEventListener('abort', onAbort, { once: true });
        answer.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      resolve(answer);
    };
    answer.onProtocolError = lost;
    signal?.addEventListener('abort', onAbort, { once: true });
    const silence =
      options.silenceLimit === false ? () => {} : (ms: number, onIdle: () => void) => socket.setTimeout(ms, onIdle);
    guardSocket(socket, silence, lost);
    socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('error', lost);
    socket.on('end', () => answer.ended());
    socket.on('close', () => answer.ended());
    if (signal?.aborted) onAbort();
  });
}

function requestHead(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || lower === 'content-length') continue;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`header ${name} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}

/** The answer: its head parsed from the first reads, then its body as lent views of pooled buffers. */
class SocketAnswer extends Readable implements Answer {
  statusCode: number | undefined;
  statusMessage: string | undefined;
  rawHeaders: string[] = [];
  socket: net.Socket | undefined;
  onHead: () => void = () => {};
  onProtocolError: (error: Error) => void = () => {};

  readonly #pool: Buffer[] = [];
  /** The buffer handed to the socket for its next read, until a read fills it. */
  #next: Buffer | undefined;
  #head: Buffer = Buffer.alloc(0);
  #framing: Framing | undefined;
  #chunk: 'size' | 'data' | 'data-end' | 'trailers' = 'size';
  #chunkLeft = 0;
  #line = '';
  #finished = false;
  #paused = false;

  readonly #poolMax: number;

  constructor(readonly readBytes: number) {
    // One object a chunk: a chunk comes out as it went in (lent views keep their identity; a byte
    // stream would join several into a new Buffer).
    super({ objectMode: true, highWaterMark: Math.max(1, Math.floor(READ_AHEAD_BYTES / readBytes)) });
    this.#poolMax = 2 * this.readableHighWaterMark;
  }

  nextBuffer(): Buffer {
    this.#next ??= this.#pool.pop() ?? Buffer.allocUnsafe(this.readBytes);
    return this.#next;
  }

  /** One read of `n` bytes into `buffer`; false pauses the socket. */
  took(n: number, buffer: Buffer): boolean {
    if (this.#next === buffer) this.#next = undefined;
    const lease: Lease = { buffer, count: 1, pool: this.#pool, poolMax: this.#poolMax };
    try {
      this.#take(buffer.subarray(0, n), lease);
    } catch (error) {
      this.onProtocolError(error as Error);
    }
    // The count started at 1 for this read itself: chunks lent hold the buffer from here.
    release(lease);
    if (this.#finished || this.destroyed) return true;
    if (this.readableLength >= this.readableHighWaterMark) {
      this.#paused = true;
      return false;
    }
    return true;
  }

  override _read(): void {
    if (this.#paused) {
      this.#paused = false;
      this.socket?.resume();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket?.destroy();
    // As node:http's answers: an error nobody listens for is not thrown.
    callback(this.listenerCount('error') > 0 ? error : null);
  }

  /** The connection ended (or closed): the end of the body where the framing says so, else a cut-off answer. */
  ended(): void {
    if (this.#finished || this.destroyed) return;
    if (this.#framing?.kind === 'close') {
      this.#finish();
      return;
    }
    if (this.#framing === undefined)
      this.onProtocolError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    else this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  }

  #take(bytes: Buffer, lease: Lease): void {
    if (this.#finished) return;
    if (this.#framing === undefined) {
      bytes = this.#takeHead(bytes);
      if (this.#framing === undefined) return;
      // The few body bytes that came with the head are copied, so the buffer goes back at once.
      if (bytes.length > 0) this.#body(Buffer.from(bytes), undefined);
      return;
    }
    this.#body(bytes, lease);
  }

  /** Adds bytes to the head; once it is whole, parses it and returns the bytes after it. */
  #takeHead(bytes: Buffer): Buffer {
    let all = this.#head.length ? Buffer.concat([this.#head, bytes]) : bytes;
    for (;;) {
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        if (all.length > MAX_HEAD_BYTES) throw parseError('HPE_HEADER_OVERFLOW', 'Header overflow');
        this.#head = Buffer.from(all);
        return Buffer.alloc(0);
      }
      if (end > MAX_HEAD_BYTES) throw parseError('HPE_HEADER_OVERFLOW', 'Header overflow');
      const status = this.#parseHead(all.subarray(0, end).toString('latin1'));
      all = all.subarray(end + 4);
      // An interim answer (103 Early Hints, a stray 100 Continue) comes before the real one.
      if (status >= 100 && status < 200) continue;
      this.#head = Buffer.alloc(0);
      this.#framing = this.#frame(status);
      this.onHead();
      if (this.#framing.kind === 'none' || (this.#framing.kind === 'length' && this.#framing.left === 0))
        this.#finish();
      return all;
    }
  }

  #parseHead(text: string): number {
    const [statusLine = '', ...fields] = text.split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!match)
      throw parseError(
        'HPE_INVALID_CONSTANT',
        `not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 80))}`,
      );
    const status = Number(match[1]);
    const raw: string[] = [];
    for (const field of fields) {
      const parsed = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/.exec(field);
      if (!parsed)
        throw parseError(
          'HPE_INVALID_HEADER_TOKEN',
          `a header field that is not one: ${JSON.stringify(field.slice(0, 80))}`,
        );
      raw.push(parsed[1] ?? '', parsed[2] ?? '');
    }
    this.statusCode = status;
    this.statusMessage = match[2] ?? '';
    this.rawHeaders = raw;
    return status;
  }

  /** How the body is delimited (RFC 9112 section 6.3). */
  #frame(status: number): Framing {
    if (status === 204 || status === 304) return { kind: 'none' };
    const values = (name: string) =>
      this.rawHeaders.flatMap((value, i) =>
        i % 2 === 1 && this.rawHeaders[i - 1]?.toLowerCase() === name ? [value] : [],
      );
    const codings = values('transfer-encoding')
      .flatMap((value) => value.split(','))
      .map((coding) => coding.trim().toLowerCase())
      .filter(Boolean);
    if (codings.length > 0) return codings.at(-1) === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
    const lengths = new Set(values('content-length').flatMap((value) => value.split(',').map((v) => v.trim())));
    if (lengths.size === 0) return { kind: 'close' };
    const [length = ''] = lengths;
    if (lengths.size > 1 || !/^\d{1,15}$/.test(length))
      throw parseError(
        'HPE_INVALID_CONTENT_LENGTH',
        `Content-Length ${JSON.stringify([...lengths].join(', '))} is not one number`,
      );
    return { kind: 'length', left: Number(length) };
  }

  #body(bytes: Buffer, lease: Lease | undefined): void {
    const framing = this.#framing;
    if (!framing || bytes.length === 0) return;
    if (framing.kind === 'length') {
      const part = bytes.length > framing.left ? bytes.subarray(0, framing.left) : bytes;
      framing.left -= part.length;
      this.#lend(part, lease);
      if (framing.left === 0) this.#finish();
    } else if (framing.kind === 'close') this.#lend(bytes, lease);
    else if (framing.kind === 'chunked') this.#chunked(bytes, lease);
  }

  /** The chunked transfer coding: size line, data, CRLF, ..., a zero size, trailer lines, an empty line. */
  #chunked(bytes: Buffer, lease: Lease | undefined): void {
    let at = 0;
    while (at < bytes.length && !this.#finished) {
      if (this.#chunk === 'data') {
        const part = bytes.subarray(at, at + Math.min(this.#chunkLeft, bytes.length - at));
        at += part.length;
        this.#chunkLeft -= part.length;
        this.#lend(part, lease);
        if (this.#chunkLeft === 0) this.#chunk = 'data-end';
        continue;
      }
      const newline = bytes.indexOf(10, at);
      const end = newline < 0 ? bytes.length : newline + 1;
      this.#line += bytes.subarray(at, end).toString('latin1');
      at = end;
      if (this.#line.length > MAX_LINE_BYTES) throw parseError('HPE_INVALID_CHUNK_SIZE', 'a chunk line over 4 KiB');
      if (newline < 0) continue;
      if (!this.#line.endsWith('\r\n')) throw parseError('HPE_LF_EXPECTED', 'a chunk line not ended by CRLF');
      const line = this.#line.slice(0, -2);
      this.#line = '';
      if (this.#chunk === 'data-end') {
        if (line !== '') throw parseError('HPE_INVALID_CHUNK_SIZE', 'chunk data longer than its size');
        this.#chunk = 'size';
      } else if (this.#chunk === 'size') {
        const size = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) throw parseError('HPE_INVALID_CHUNK_SIZE', `not a chunk size: ${JSON.stringify(line.slice(0, 40))}`);
        this.#chunkLeft = parseInt(size[1] ?? '', 16);
        this.#chunk = this.#chunkLeft === 0 ? 'trailers' : 'data';
      } else if (line === '') this.#finish();
    }
  }

  #lend(part: Buffer, lease: Lease | undefined): void {
    if (part.length === 0) return;
    if (lease) {
      lease.count++;
      leases.set(part, lease);
    }
    this.push(part);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.push(null);
    // Connection: close: the server ends it too; nothing more is read from it.
    this.socket?.destroy();
  }
}

function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : 'aborted');
}
