import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { readImageFile } from '../engine/image-file.js';
import type { CreateBody } from '../mercure/invocation.js';
import { finding, type Finding } from './finding.js';
import { classifyStart, execFailureInLog, hostArchitecture, startFailureFinding } from './start-failure.js';

/**
 * The finding for a container that could not start (at the probe or the run). The file the
 * runtime tried to exec is read from the image, so that its interpreter, line endings or CPU can
 * be named.
 */
export async function startFinding(
  docker: Docker,
  image: string,
  name: string,
  reason: string,
  probe: boolean,
): Promise<Finding> {
  const start = execFailureInLog([reason]) ?? classifyStart(reason);
  const file = 'path' in start && start.path.startsWith('/') ? start.path : undefined;
  const head = file ? await readImageFile(docker, image, file).catch(() => undefined) : undefined;
  return startFailureFinding(reason, start, { image: name, probe, head, hostArch: hostArchitecture() });
}

const NO_GPU = /could not select device driver|Unknown runtime specified|nvidia-container-cli|no NVIDIA GPU/i;

/**
 * When the engine cannot give the GPU (device request) or runtime the module asked for: the
 * body without them, and a finding that says so. Undefined for any other start failure.
 */
export function withoutGpu(
  body: CreateBody,
  reason: string,
  name: string,
): { body: CreateBody; finding: Finding } | undefined {
  const host = body.HostConfig ?? {};
  if (!NO_GPU.test(reason) || (host.DeviceRequests === undefined && host.Runtime === undefined)) return undefined;
  const asked = [
    ...(host.DeviceRequests ? ['a GPU (device_requests / --gpus)'] : []),
    ...(host.Runtime ? [`the runtime "${host.Runtime}" (processing_runtime / --runtime)`] : []),
  ].join(' and ');
  const rest = { ...host };
  delete rest.DeviceRequests;
  delete rest.Runtime;
  return {
    body: { ...body, HostConfig: rest },
    finding: finding(
      'gpu-unavailable',
      `the module asked for ${asked}, which this Docker Engine cannot give (${reason.trim()}); it ran without`,
      { file: name },
    ),
  };
}

/** mercure's `<uuid>.lock` in the persistence folder for the time of the run; returns its remover. */
export async function createLock(dir: string): Promise<() => Promise<void>> {
  const lock = path.join(dir, `${randomUUID()}.lock`);
  await writeFile(lock, '', { flag: 'wx' });
  return () => rm(lock, { force: true });
}
