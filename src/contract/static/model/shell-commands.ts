import { posix } from 'node:path';
import type { SimpleCommand } from './shell-syntax.js';

/** What a simple command runs once assignments, reserved words and wrappers are peeled off. */
export interface Invocation {
  /** The program's base name (`/usr/bin/apt-get` -> `apt-get`), or '' when the command runs nothing. */
  program: string;
  /** The program word as written. */
  path: string;
  args: string[];
  /** Wrappers it ran under, e.g. ['sudo'] for `sudo apt-get install`. */
  via: string[];
}

// Reserved words that start a command list; the rest of the command still runs something.
const PREFIX_WORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
// Words after which nothing on this "command" is itself run (for x in ...; case ...).
const NOT_A_COMMAND = new Set(['for', 'case', 'select', 'function', '}', 'fi', 'done', 'esac', ';;']);
// Programs that run their arguments as another command.
const WRAPPERS = new Set([
  'exec',
  'command',
  'builtin',
  'nohup',
  'sudo',
  'su-exec',
  'gosu',
  'env',
  'nice',
  'timeout',
  'stdbuf',
  'tini',
  'dumb-init',
  'xargs',
]);

/** Peels `A=1 exec sudo -E env B=2 apt-get install x` down to apt-get with its arguments. */
export function invocationOf(command: SimpleCommand): Invocation {
  const words = [...command.words];
  const via: string[] = [];
  for (;;) {
    const first = words[0];
    if (first === undefined || NOT_A_COMMAND.has(first)) return { program: '', path: '', args: [], via };
    if (PREFIX_WORDS.has(first) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) {
      words.shift();
      continue;
    }
    const name = posix.basename(first);
    if (!WRAPPERS.has(name)) return { program: name, path: first, args: words.slice(1), via };
    via.push(name);
    words.shift();
    skipWrapperOptions(name, words);
  }
}

function skipWrapperOptions(wrapper: string, words: string[]): void {
  // gosu / su-exec take a user first; timeout a duration; `sudo -u user`; plain flags otherwise.
  if (wrapper === 'gosu' || wrapper === 'su-exec') words.shift();
  while (words[0] !== undefined && words[0].startsWith('-')) {
    const flag = words.shift()!;
    if (flag === '--') break;
    if (wrapper === 'sudo' && /^-[ugCDhpRrTt]$/.test(flag)) words.shift();
  }
  if (wrapper === 'timeout' || wrapper === 'nice') {
    if (words[0] !== undefined && /^[\d.]+[smhd]?$/.test(words[0])) words.shift();
  }
}

/** The first non-option argument (a subcommand such as `install`), skipping `-x` and `--flag`. */
export function subcommand(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}
