import Docker from 'dockerode';
import { inputForMessage, ModuleError } from '../errors.js';
import { responseTimeoutMs } from '../retry/request.js';

/** The Docker Engine API version we speak (Debian bookworm's docker.io 20.10 offers 1.41). */
const MIN_API = '1.41';

/**
 * Connects to the Docker Engine named by DOCKER_HOST (or the default socket) and checks that it
 * answers, so that every later failure is about the module, not about a missing engine.
 */
export async function connectEngine(options: { docker?: Docker } = {}): Promise<Docker> {
  const docker = options.docker ?? new Docker();
  // An Engine that accepts the connection and never answers would hang here for good.
  const ms = responseTimeoutMs();
  const where = process.env['DOCKER_HOST'] ?? '/var/run/docker.sock';
  let pong: unknown;
  try {
    pong = await (docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>)({
      abortSignal: AbortSignal.timeout(ms),
    });
  } catch (error) {
    const why =
      (error as Error)?.name === 'AbortError' || (error as Error)?.name === 'TimeoutError'
        ? `no answer within ${ms / 1000} s (MERCURE_MODULE_REQUEST_TIMEOUT)`
        : reason(error);
    throw new ModuleError('engine-unreachable', `no Docker Engine answers at ${where}: ${why}`, {
      kind: 'environment',
      hint: 'Start Docker (on Debian: `bash scripts/setup.sh` starts dockerd), or set DOCKER_HOST to a running engine.',
    });
  }
  // Whatever listens there is a peer: what it says is checked before anything relies on it.
  if (String(pong) !== 'OK') throw notAnEngine(where, 'GET /_ping', pong);
  const answer: unknown = await docker.version().catch((error: unknown) => {
    throw notAnEngine(where, 'GET /version', reason(error));
  });
  const version = answer as Partial<Docker.DockerVersion> | undefined;
  if (typeof version?.ApiVersion !== 'string' || !/^\d+\.\d+$/.test(version.ApiVersion))
    throw notAnEngine(where, 'GET /version', answer);
  if (compareApi(version.ApiVersion, MIN_API) < 0) {
    throw new ModuleError(
      'engine-too-old',
      `the Docker Engine speaks API ${version.ApiVersion}; ${MIN_API} or newer is needed`,
      {
        kind: 'environment',
        hint: 'Upgrade Docker to 20.10 or newer.',
      },
    );
  }
  return docker;
}

/** ModuleError 'engine-bad-response' (exit 3): what answers at DOCKER_HOST does not speak the Engine API. */
function notAnEngine(where: string, request: string, answer: unknown): ModuleError {
  const text = typeof answer === 'string' || Buffer.isBuffer(answer) ? String(answer) : JSON.stringify(answer);
  return new ModuleError(
    'engine-bad-response',
    `what answers at ${where} is not a Docker Engine: ${request} got ${text ? `"${inputForMessage(text.trim(), 60)}"` : 'an empty answer'}`,
    {
      kind: 'environment',
      hint: 'Point DOCKER_HOST at a Docker Engine (unix:///var/run/docker.sock, or tcp://host:2375), or unset it.',
    },
  );
}

function compareApi(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** A short, secret-free reason for an engine error (dockerode errors carry the whole request). */
export function reason(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as {
      code?: string;
      json?: { message?: string };
      reason?: string;
      message?: string;
      statusCode?: number;
    };
    if (e.json?.message) return e.json.message;
    if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') return `${e.code} (nothing listens there)`;
    if (e.code === 'EACCES') return 'permission denied on the Docker socket (are you in the docker group?)';
    if (e.message) return e.message.replace(/^\(HTTP code \d+\)\s*/, '');
  }
  return String(error);
}

/** The HTTP status of a dockerode error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  return error && typeof error === 'object' && 'statusCode' in error ? Number(error.statusCode) : undefined;
}
