import type Docker from 'dockerode';
import { cleanupOnExit } from '../cleanup.js';
import { ModuleError } from '../errors.js';
import type { CreateBody } from '../mercure/create-body.js';
import { reason, statusOf } from './connect.js';
import { LogReader } from './container-log.js';
import { ownerLabels } from './leftovers.js';

export { demux } from './container-log.js';

export { OWNER_LABEL, OWNER_PROCESS_LABEL } from './leftovers.js';

/** What to run: the subset of the Engine's create-container body we use, plus a time limit. */
export interface ContainerSpec {
  image: string;
  /** Undefined keeps the image's ENTRYPOINT; [''] resets it (as docker-py's entrypoint=""). */
  entrypoint?: string[];
  /** Undefined keeps the image's CMD. */
  cmd?: string[];
  env?: string[];
  user?: string;
  binds?: string[];
  networkMode?: string;
  capDrop?: string[];
  groupAdd?: string[];
  /** The whole create body (as mercure's invocation builds it); the fields above are ignored then. */
  body?: CreateBody;
  /** Milliseconds after which the container is killed; undefined waits forever, like mercure. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ContainerResult {
  exitCode: number | null;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  /** The start of each stream (bounded). */
  stdout: string;
  stderr: string;
  /**
   * The last lines of each stream (bounded: see LogReader), merged in time order, each prefixed
   * with the engine's timestamp, control characters escaped.
   */
  log: string[];
  /** Lines the module printed before the kept ones. */
  omittedLines: number;
}

/** The image could not be started at all (as opposed to starting and failing): the Engine's reason. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly notFound: boolean,
    /** Whether the Engine refused the create call or the start call. */
    readonly stage: 'create' | 'start' = 'start',
  ) {
    super(message);
  }
}

const live = new Set<Docker.Container>();
cleanupOnExit(removeLiveContainers);

/** Removes every container this process still has (used by SIGINT/SIGTERM handlers). */
export async function removeLiveContainers(): Promise<void> {
  await Promise.all([...live].map((c) => c.remove({ force: true }).catch(() => undefined)));
  live.clear();
}

/**
 * Creates, starts and waits for one container, collects its logs and always removes it, also on
 * start failure, timeout and abort. Start failures (no such executable) throw StartError.
 */
export async function runContainer(docker: Docker, spec: ContainerSpec): Promise<ContainerResult> {
  const container = await create(docker, spec);
  live.add(container);
  const started = Date.now();
  try {
    try {
      await container.start();
    } catch (error) {
      const message = reason(error);
      throw new StartError(message, /executable file not found|no such file or directory/i.test(message));
    }
    const outcome = await waitFor(container, spec);
    const durationMs = Date.now() - started;
    const logs = await collectLogs(container, spec.signal);
    return { ...outcome, durationMs, ...logs };
  } finally {
    live.delete(container);
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** The create body: the spec's own, or one from the simple fields, with the owner label added. */
export function createBody(spec: ContainerSpec): CreateBody {
  const base: CreateBody = spec.body ?? {
    HostConfig: {
      Binds: spec.binds ?? [],
      CapDrop: spec.capDrop ?? [],
      GroupAdd: spec.groupAdd ?? [],
      ...(spec.networkMode ? { NetworkMode: spec.networkMode } : {}),
    },
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.env ? { Env: spec.env } : {}),
    ...(spec.user ? { User: spec.user } : {}),
  };
  return { ...base, Image: spec.image, Labels: { ...(base.Labels ?? {}), ...ownerLabels() } };
}

const REFUSED_CONFIG = /Cannot mkdir|unable to find (?:user|group)|chdir to cwd|OCI runtime/;

async function create(docker: Docker, spec: ContainerSpec): Promise<Docker.Container> {
  const body = createBody(spec) as Docker.ContainerCreateOptions;
  try {
    return await docker.createContainer(body);
  } catch (error) {
    // The Engine refuses this configuration (an unknown runtime, a bad mount, a WORKDIR that is a
    // file): the image cannot start, as it could not on the server.
    if (statusOf(error) === 400 || REFUSED_CONFIG.test(reason(error)))
      throw new StartError(reason(error), false, 'create');
    if (statusOf(error) === 404) {
      throw new ModuleError('image-not-found', `image ${spec.image} is not in the Docker Engine`, {
        hint: 'Build it first (`mercure-module build`), pull it, or check the name and tag.',
      });
    }
    throw new ModuleError(
      'engine-error',
      `the Docker Engine could not create a container of ${spec.image}: ${reason(error)}`,
      {
        kind: 'environment',
      },
    );
  }
}

async function waitFor(
  container: Docker.Container,
  spec: ContainerSpec,
): Promise<{ exitCode: number | null; timedOut: boolean; interrupted: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<'timeout' | 'abort'>((resolve) => {
    if (spec.timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), spec.timeoutMs);
    if (spec.signal) {
      onAbort = () => resolve('abort');
      if (spec.signal.aborted) onAbort();
      else spec.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    // The wait request stays open after a kill or removal; its late answer is of no interest.
    const waiting = (container.wait() as Promise<{ StatusCode: number }>).catch(() => 'gone' as const);
    const first = await Promise.race([waiting, stop]);
    if (first === 'gone')
      throw new ModuleError('engine-error', 'the Docker Engine lost the container while waiting for it', {
        kind: 'environment',
      });
    if (typeof first === 'object') return { exitCode: first.StatusCode, timedOut: false, interrupted: false };
    await container.kill().catch(() => undefined);
    return { exitCode: null, timedOut: first === 'timeout', interrupted: first === 'abort' };
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) spec.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Streams the log of an exited container through a LogReader, so that a module printing gigabytes
 * costs no more memory than one printing a line (the Engine's whole-log answer once overflowed V8's
 * string limit inside docker-modem). An abort stops the reading and keeps what was read.
 */
async function collectLogs(
  container: Docker.Container,
  signal: AbortSignal | undefined,
): Promise<{ stdout: string; stderr: string; log: string[]; omittedLines: number }> {
  const reader = new LogReader();
  if (!signal?.aborted) {
    const stream = (await container.logs({
      stdout: true,
      stderr: true,
      timestamps: true,
      follow: true,
    })) as NodeJS.ReadableStream & { destroy?: () => void };
    const stop = () => stream.destroy?.();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => reader.push(chunk));
        for (const event of ['end', 'close', 'error']) stream.on(event, () => resolve());
      });
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }
  const captured = reader.end();
  const strip = (s: string) => s.replace(/^\S+Z /gm, '');
  // The engine returns stdout and stderr frames out of order; the timestamps restore it.
  const keyed = captured.log.map((line, index) => ({ line, index, key: sortKey(line) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  const log = keyed.map((k) => k.line);
  return {
    stdout: strip(captured.stdout),
    stderr: strip(captured.stderr),
    log,
    omittedLines: captured.totalLines - log.length,
  };
}

/** RFC 3339 timestamps with their fraction padded to nanoseconds, so that they sort as text. */
function sortKey(line: string): string {
  const match = /^(\S+?)(?:\.(\d+))?Z /.exec(line);
  return match ? `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}` : '';
}
