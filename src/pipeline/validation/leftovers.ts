import type Docker from 'dockerode';
import { removeLeftoverContainers } from '../../engine/leftovers.js';
import { removeLeftoverFolders, tempRoot, type Leftover } from '../../local/index.js';
import type { Logger } from '../../logger.js';

/**
 * Removes what killed runs left (SIGKILL, a crash, a cancelled CI job): containers first (they
 * mount the case folders), then temp folders, each only when its owner is gone; and says so,
 * by owner. Runs before a command makes containers and case folders of its own.
 */
export async function sweepLeftovers(docker: Docker, logger: Logger, root?: string): Promise<Leftover[]> {
  const at = root ?? (await tempRoot(logger));
  const removed = [...(await removeLeftoverContainers(docker, at)), ...(await removeLeftoverFolders(at))];
  if (removed.length > 0) {
    const byOwner = new Map<number, string[]>();
    for (const { what, pid } of removed) byOwner.set(pid, [...(byOwner.get(pid) ?? []), what]);
    const said = [...byOwner].map(([pid, what]) => `process ${pid}: ${what.join(', ')}`).join('; ');
    logger.warn(`removed what killed runs left behind (their processes are gone): ${said}`);
  }
  return removed;
}
