// Containers of killed runs: every container we create carries its owner (pid, start time, boot,
// host) and the temp root its case folders live in. A later run removes the ones whose owner is
// gone and that belong to its own temp root: another user's or job's runs (another TMPDIR) are
// theirs to clean, and a live owner's container is never touched.
import type Docker from 'dockerode';
import os from 'node:os';
import { ownerIsGone, thisProcess, type Leftover, type Owner } from '../local/index.js';

/** Label with the pid of the process that created the container (also what the suite's leftover check looks for). */
export const OWNER_LABEL = 'io.github.mercure-module-kit.owner';
/** Label with the whole owner as JSON: pid, start, boot, host, and the temp root (`tmp`). */
export const OWNER_PROCESS_LABEL = 'io.github.mercure-module-kit.owner-process';

/** The labels every container we create carries. */
export function ownerLabels(): Record<string, string> {
  return {
    [OWNER_LABEL]: String(process.pid),
    [OWNER_PROCESS_LABEL]: JSON.stringify({ ...thisProcess(), tmp: os.tmpdir() }),
  };
}

/** The owner a label names, or undefined when it is not one of ours (or garbage). */
function ownerOf(label: string | undefined): (Owner & { tmp: string }) | undefined {
  if (!label) return undefined;
  try {
    const value = JSON.parse(label) as Record<string, unknown>;
    const { pid, start, boot, host, tmp } = value;
    if (typeof pid !== 'number' || typeof start !== 'string' || typeof boot !== 'string') return undefined;
    if (typeof host !== 'string' || typeof tmp !== 'string') return undefined;
    return { pid, start, boot, host, tmp };
  } catch {
    return undefined;
  }
}

/** Removes our containers whose owner is gone and whose temp root is `root`; returns what it removed. */
export async function removeLeftoverContainers(docker: Docker, root: string): Promise<Leftover[]> {
  const listed = await docker
    .listContainers({ all: true, filters: { label: [OWNER_PROCESS_LABEL] } })
    .catch(() => [] as Docker.ContainerInfo[]);
  const removed: Leftover[] = [];
  for (const info of listed) {
    const owner = ownerOf(info.Labels?.[OWNER_PROCESS_LABEL]);
    if (!owner || owner.tmp !== root || !ownerIsGone(owner)) continue;
    const gone = await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .then(() => true)
      .catch(() => false);
    if (gone) removed.push({ what: `container ${info.Id.slice(0, 12)}`, pid: owner.pid });
  }
  return removed;
}
