import { posix } from 'node:path';
import { globToRegExp } from './copy-sources.js';
import { invocationOf } from './shell-commands.js';
import { parseShell } from './shell-syntax.js';
import type { RunStep } from './steps.js';

/** A `chmod` found in a RUN step, with its targets resolved to absolute image paths. */
export interface ChmodCall {
  line: number;
  mode: string;
  recursive: boolean;
  targets: string[];
}

/** Applies a chmod mode (octal `755` or symbolic `+x`, `u+x,go-w`, `a=rX`) to a file's bits. */
export function applyChmod(current: number, mode: string, isDirectory = false): number | undefined {
  if (/^[0-7]{1,4}$/.test(mode)) return parseInt(mode, 8) & 0o7777;
  let bits = current;
  for (const clause of mode.split(',')) {
    const match = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (match === null) return undefined;
    const [, who = '', op, perms = ''] = match;
    const mask = whoMask(who);
    let value = 0;
    for (const p of perms) {
      if (p === 'r') value |= 0o444;
      else if (p === 'w') value |= 0o222;
      else if (p === 'x' || (p === 'X' && (isDirectory || (current & 0o111) !== 0))) value |= 0o111;
      else if (p === 's') value |= 0o6000;
      else if (p === 't') value |= 0o1000;
    }
    // With no `who`, chmod applies the umask (022) to what it adds: `+w` means u+w only.
    const affected = who === '' ? value & mask & ~0o022 : value & mask;
    if (op === '+') bits |= affected;
    else if (op === '-') bits &= ~affected;
    else bits = (bits & ~mask) | affected;
  }
  return bits;
}

function whoMask(who: string): number {
  if (who === '' || who.includes('a')) return 0o7777;
  let mask = 0;
  if (who.includes('u')) mask |= 0o4700;
  if (who.includes('g')) mask |= 0o2070;
  if (who.includes('o')) mask |= 0o1007;
  return mask;
}

/** Every chmod a RUN step performs, following `cd` inside the script for relative targets. */
export function chmodCalls(step: RunStep): ChmodCall[] {
  const commands =
    step.script !== undefined
      ? parseShell(step.script, step.line)
      : [{ words: step.argv ?? [], redirects: [], line: step.line }];
  const calls: ChmodCall[] = [];
  let cwd = step.workdir;
  for (const command of commands) {
    const { program, args } = invocationOf(command);
    if (program === 'cd' && args[0] !== undefined && !args[0].includes('$')) cwd = posix.resolve(cwd, args[0]);
    if (program !== 'chmod') continue;
    let recursive = false;
    const operands: string[] = [];
    for (const arg of args) {
      if (arg === '-R' || arg === '--recursive' || /^-[a-zA-Z]*R/.test(arg)) recursive = true;
      else if (arg.startsWith('-') && !/^-[rwxXst]+$/.test(arg)) continue;
      else operands.push(arg);
    }
    const [mode, ...files] = operands;
    if (mode === undefined || files.length === 0) continue;
    calls.push({ line: command.line, mode, recursive, targets: files.map((f) => posix.resolve(cwd, f)) });
  }
  return calls;
}

/** True when a chmod call changes `path`: named directly, by a glob, or inside a folder with -R. */
export function chmodTouches(call: ChmodCall, path: string): boolean {
  return call.targets.some(
    (target) =>
      target === path ||
      (/[*?[]/.test(target) && globToRegExp(target).test(path)) ||
      (call.recursive && (target === '/' || path.startsWith(`${target}/`))),
  );
}

/** Formats permission bits as chmod writes them, e.g. 0644. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
