import { posix } from 'node:path';
import type { Stage } from './steps.js';
import { invocationOf } from './shell-commands.js';
import { parseShell } from './shell-syntax.js';
import { expandVariables, type Variables } from './variables.js';

/** The command the final image runs when started with no arguments (mercure passes none). */
export interface ImageCommand {
  /** ENTRYPOINT + CMD, shell forms already wrapped in SHELL. */
  argv: string[];
  /** Line of the instruction that decides it (the last ENTRYPOINT or CMD that counts). */
  line: number;
  /** Shell-form text of the ENTRYPOINT / CMD, for scripts run inline. */
  shellTexts: string[];
}

/** The file a command runs, and how. */
export interface CommandTarget {
  /** The word as written in the command. */
  written: string;
  /** Absolute path in the image; '' for a bare name the system looks up in PATH. */
  path: string;
  /** True when the file itself is exec'd (so it needs the execute bit and a shebang). */
  direct: boolean;
  /** Base name of the interpreter that reads the file (`bash`, `python3`), when not exec'd directly. */
  interpreter?: string;
  /** Working directory the command starts in. */
  cwd: string;
}

const SHELLS = /^(sh|bash|dash|ash|zsh|ksh|mksh)$/;
const INTERPRETERS = /^(python[\d.]*|pypy[\d.]*|node|nodejs|Rscript|perl|ruby|julia|php)$/;
// Options of interpreters that take a value: the value is not the script.
const OPTIONS_WITH_VALUE = new Set(['-X', '-W', '-r', '--require', '-o']);
// Options that mean "run this inline code" rather than a file.
const INLINE_CODE = new Set(['-c', '-e', '--eval', '-p', '--print', '-m']);
const SHELL_INLINE = new Set(['-c']);
// Shell builtins that commonly come before the real program in `sh -c "cd /app && ./run.sh"`.
const SETUP_BUILTINS = new Set([
  'cd',
  'set',
  'export',
  'echo',
  'printf',
  'umask',
  'ulimit',
  'trap',
  'true',
  ':',
  'shopt',
  'unset',
]);

/**
 * What the final stage chain runs: Docker's rule is that a stage's ENTRYPOINT resets a CMD it
 * inherited (but not one set in the same stage). Undefined when the chain sets neither.
 */
export function imageCommand(chain: readonly Stage[]): ImageCommand | undefined {
  let entrypoint: { argv: string[]; line: number; text?: string } | undefined;
  let cmd: { argv: string[]; line: number; text?: string } | undefined;
  for (const stage of chain) {
    let cmdHere = false;
    for (const step of stage.steps) {
      if (step.kind === 'entrypoint') {
        entrypoint = {
          argv: step.argv,
          line: step.line,
          ...(step.shellText !== undefined ? { text: step.shellText } : {}),
        };
        if (!cmdHere) cmd = undefined;
      } else if (step.kind === 'cmd') {
        cmd = { argv: step.argv, line: step.line, ...(step.shellText !== undefined ? { text: step.shellText } : {}) };
        cmdHere = true;
      }
    }
  }
  // A shell-form ENTRYPOINT ignores CMD entirely.
  const parts = entrypoint?.text !== undefined ? [entrypoint] : [entrypoint, cmd];
  const argv = parts.flatMap((p) => p?.argv ?? []);
  if (argv.length === 0) return undefined;
  const decisive = parts.filter((p) => p !== undefined && p.argv.length > 0).at(-1) ?? entrypoint ?? cmd;
  return {
    argv,
    line: decisive?.line ?? 1,
    shellTexts: parts.flatMap((p) => (p?.text !== undefined ? [p.text] : [])),
  };
}

/** The file an argv runs: through wrappers (tini, env, exec), `sh -c "..."` and interpreters. */
export function commandTarget(argv: readonly string[], workdir: string, env: Variables): CommandTarget | undefined {
  const { program, path, args } = invocationOf({ words: [...argv], redirects: [], line: 1 });
  if (program === '') return undefined;
  if (SHELLS.test(program) || INTERPRETERS.test(program)) {
    const c = args.indexOf('-c');
    if (SHELLS.test(program) && c >= 0) return scriptTarget(args[c + 1] ?? '', workdir, env);
    const script = firstOperand(args, SHELLS.test(program) ? SHELL_INLINE : INLINE_CODE);
    if (script === undefined) return undefined;
    return { written: script, path: posix.resolve(workdir, script), direct: false, interpreter: program, cwd: workdir };
  }
  return { written: path, path: path.includes('/') ? posix.resolve(workdir, path) : '', direct: true, cwd: workdir };
}

/** The main command of a `sh -c` script: the first one past setup builtins; `cd` moves the start folder. */
export function scriptTarget(script: string, workdir: string, env: Variables): CommandTarget | undefined {
  let cwd = workdir;
  for (const command of parseShell(script)) {
    // The shell expands variables from the image's ENV at run time.
    const words = command.words.map((w) => expandVariables(w, env).value);
    const invocation = invocationOf({ ...command, words });
    if (invocation.program === '') continue;
    if (invocation.program === 'cd') {
      if (invocation.args[0] !== undefined) cwd = posix.resolve(cwd, invocation.args[0]);
      continue;
    }
    if (SETUP_BUILTINS.has(invocation.program)) continue;
    if (invocation.program === 'source' || invocation.program === '.') {
      const file = invocation.args[0];
      return file === undefined
        ? undefined
        : { written: file, path: posix.resolve(cwd, file), direct: false, interpreter: 'sh', cwd };
    }
    return commandTarget(words, cwd, env);
  }
  return undefined;
}

function firstOperand(args: readonly string[], inline: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') return args[i + 1];
    if (inline.has(arg)) return undefined;
    if (OPTIONS_WITH_VALUE.has(arg)) {
      i += 1;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
