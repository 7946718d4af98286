// Who made a container or temp folder: this process, told apart from every other by its pid, its
// start time (a pid is reused, a pid with its start time is not) and the boot it runs in. A later
// run removes what a killed run left behind only when that owner is provably gone.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** A process as leftovers name it. `start` is in clock ticks since boot (/proc/PID/stat field 22). */
export interface Owner {
  pid: number;
  start: string;
  boot: string;
  host: string;
}

/** The start time of a process in clock ticks, from /proc; undefined when it does not exist (or no /proc). */
export function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

let self: Owner | undefined;

/** This process as an owner (read once). */
export function thisProcess(): Owner {
  self ??= { pid: process.pid, start: startTicks(process.pid) ?? 'unknown', boot: bootId(), host: os.hostname() };
  return self;
}

/** `<pid>.<start>`: how temp folder names carry their owner. */
export function ownerTag(owner: Owner = thisProcess()): string {
  return `${owner.pid}.${owner.start}`;
}

/**
 * Whether `owner` is provably gone: same host, and either another boot or no process with its pid
 * and start time. Anything unknown (another host, no /proc, an unreadable start) counts as alive:
 * what might be someone's running work is never removed.
 */
export function ownerIsGone(owner: Owner): boolean {
  const me = thisProcess();
  if (owner.host !== me.host || me.start === 'unknown' || owner.start === 'unknown') return false;
  if (owner.boot !== me.boot) return me.boot !== 'unknown' && owner.boot !== 'unknown';
  const now = startTicks(owner.pid);
  return now === undefined || now !== owner.start;
}
