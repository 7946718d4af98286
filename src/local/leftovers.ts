// Temp folders of killed runs: named `mercure-<kind>-<pid>.<start>-XXXXXX` (see tempFolderPrefix),
// removed by a later run once their owner is gone (local/owner.ts), never while it lives.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ownerIsGone, ownerTag, thisProcess } from './owner.js';

const NAME = /^mercure-([a-z-]+)-(\d+)\.(\d+)-[A-Za-z0-9]{6}$/;

/** The mkdtemp prefix of a temp folder of `kind` (smoke, case-matrix, push, buildx) under `root`. */
export function tempFolderPrefix(root: string, kind: string): string {
  return path.join(root, `mercure-${kind}-${ownerTag()}-`);
}

/** A removed leftover: what it was and whose. */
export interface Leftover {
  what: string;
  pid: number;
}

/** Removes the temp folders under `root` whose owner is gone; returns what it removed. */
export async function removeLeftoverFolders(root: string): Promise<Leftover[]> {
  const me = thisProcess();
  const removed: Leftover[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const match = NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    const start = match[3] ?? '';
    if (!ownerIsGone({ pid, start, boot: me.boot, host: me.host })) continue;
    const full = path.join(root, name);
    await rm(full, { recursive: true, force: true }).catch(() => undefined);
    removed.push({ what: `temp folder ${full}`, pid });
  }
  return removed;
}
