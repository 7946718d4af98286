import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { ModuleError } from '../errors.js';
import { getOverSocket, type Answer } from '../registry/http-get.js';
import { reason, statusOf } from './connect.js';

/**
 * The image as the Engine exports it (`GET /images/get?names=…`, what `docker save` reads): a tar
 * stream, read as it comes and never held whole. An abort destroys it.
 * Over the Engine's unix socket (or a plain-HTTP DOCKER_HOST) it is read by the bare-socket client
 * (../registry/http-get.ts): measured here, reading a 613 MB export took 1.6 CPU-s through
 * dockerode (node:http copies every chunk) and 0.4 CPU-s that way, CPU the layer compression then
 * has. Anything else (TLS, ssh, a custom agent) goes through dockerode.
 */
export async function exportImage(docker: Docker, image: string, signal?: AbortSignal): Promise<Readable> {
  const bare = await bareEngine(docker);
  const stream = bare ? await exportBare(bare, image, signal) : await exportByDockerode(docker, image);
  if (signal) {
    const stop = () => stream.destroy(new Error('interrupted'));
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', stop));
  }
  return stream;
}

interface BareEngine {
  url: (path: string) => URL;
  headers: Record<string, string>;
  socketPath?: string;
}

/** The fields of dockerode's modem that say where the Engine is. */
interface Modem {
  socketPath?: unknown;
  getSocketPath?: () => Promise<unknown> | undefined;
  host?: string;
  port?: string | number;
  protocol?: string;
  pathPrefix?: string;
  version?: string;
  headers?: Record<string, string>;
  agent?: unknown;
  sshOptions?: unknown;
}

/** How a bare socket reaches this Engine, or undefined where only dockerode knows how (TLS, ssh, an agent, a pipe). */
async function bareEngine(docker: Docker): Promise<BareEngine | undefined> {
  const modem = (docker as unknown as { modem?: Modem }).modem;
  if (!modem || modem.agent) return undefined;
  const version = modem.version ? `/${modem.version.replace(/^\/+/, '')}` : '';
  const headers = { ...(modem.headers ?? {}) };
  if (!modem.host && modem.socketPath) {
    const socketPath = await modem.getSocketPath?.();
    if (typeof socketPath !== 'string' || socketPath.startsWith('//./pipe/')) return undefined;
    return { url: (path) => new URL(`http://localhost${version}${path}`), headers, socketPath };
  }
  if (modem.host && modem.protocol === 'http' && (modem.pathPrefix ?? '/') === '/') {
    const host = modem.host.includes(':') ? `[${modem.host}]` : modem.host;
    const port = modem.port ? `:${String(modem.port)}` : '';
    return { url: (path) => new URL(`http://${host}${port}${version}${path}`), headers };
  }
  return undefined;
}

async function exportBare(engine: BareEngine, image: string, signal: AbortSignal | undefined): Promise<Readable> {
  // The signal ends the wait for the Engine's first byte here; once the stream is handed on,
  // exportImage's own listener ends it ('interrupted', as for dockerode's stream).
  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort(signal?.reason);
  signal?.addEventListener('abort', stopWaiting, { once: true });
  if (signal?.aborted) stopWaiting();
  let answer: Answer;
  try {
    const url = engine.url(`/images/get?names=${encodeURIComponent(image)}`);
    // No limit on silence: Engine 20.10 writes the whole image out before its first byte, and the
    // push asks for the export early and reads it later (dockerode never timed it either).
    const options = { silenceLimit: false, ...(engine.socketPath ? { socketPath: engine.socketPath } : {}) };
    answer = await getOverSocket(url, engine.headers, waiting.signal, options);
  } catch (error) {
    if (signal?.aborted) throw new Error('interrupted');
    throw exportFailed(image, reason((error as Error).cause ?? error));
  } finally {
    signal?.removeEventListener('abort', stopWaiting);
  }
  if (answer.statusCode === 200) return answer;
  const text = await errorText(answer);
  if (answer.statusCode === 404) throw imageNotFound(image);
  throw exportFailed(image, text || `HTTP ${answer.statusCode ?? 0}`);
}

/** The Engine's message from an error answer ({"message": …}), at most 64 KiB read. */
async function errorText(answer: Answer): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of answer as AsyncIterable<Buffer>) {
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
      if (size > 65_536) break;
    }
  } catch {
    // What arrived is what there is to say.
  } finally {
    answer.destroy();
  }
  const text = Buffer.concat(chunks).toString('utf8').slice(0, 65_536);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return text.trim();
}

async function exportByDockerode(docker: Docker, image: string): Promise<Readable> {
  try {
    return (await docker.getImage(image).get()) as unknown as Readable;
  } catch (error) {
    if (statusOf(error) === 404) throw imageNotFound(image);
    throw exportFailed(image, reason(error));
  }
}

function imageNotFound(image: string): ModuleError {
  return new ModuleError('image-not-found', `image ${image} is not in the Docker Engine`, {
    hint: 'Build it first, or name it with --source.',
  });
}

function exportFailed(image: string, why: string): ModuleError {
  return new ModuleError('export-failed', `the Docker Engine could not export ${image}: ${why}`, {
    kind: 'environment',
    hint: 'Check that the Docker Engine is running, then run the same command again.',
  });
}
