import { finding, type Finding } from '../../finding.js';
import type { Entry } from '../model/entry.js';
import { rootOnlyReason, networkReason } from './runtime-rules.js';
import { finalChain } from '../model/dockerfile-model.js';
import { traceImagePath } from '../model/image-paths.js';
import type { StaticInput } from '../options.js';
import { invocationOf } from '../model/shell-commands.js';
import { parseShell, type SimpleCommand } from '../model/shell-syntax.js';
import { expandVariables } from '../model/variables.js';
import { posix } from 'node:path';

const SHELL = /^(sh|bash|dash|ash|zsh|ksh|mksh)$/;

/** A shell script the container runs at start: inline in CMD/ENTRYPOINT, the entry script, or one it calls. */
interface RunTimeScript {
  file: string;
  text: string;
  firstLine: number;
}

/**
 * root-only-step and runtime-network: commands the container runs at start (not at build) that
 * need root (package installs, chown, writes to /etc /usr /opt /var, sudo) or the network
 * (pip/npm/conda install, curl, wget, git clone). Skipped when the module declares root / network.
 */
export async function runtimeStepFindings(input: StaticInput, entry: Entry | undefined): Promise<Finding[]> {
  if (entry === undefined || (input.options.requiresRoot && input.options.network)) return [];
  const findings: Finding[] = [];
  for (const script of await runTimeScripts(input, entry)) {
    for (const command of parseShell(script.text, script.firstLine)) {
      const words = command.words.map((w) => expandVariables(w, entry.env).value);
      const expanded: SimpleCommand = { ...command, words };
      const where = {
        file: script.file,
        line: script.file === input.dockerfile.file ? entry.command.line : command.line,
      };
      const shown = command.words.join(' ').slice(0, 120);
      const root = input.options.requiresRoot ? undefined : rootOnlyReason(expanded);
      if (root !== undefined)
        findings.push(
          finding(
            'root-only-step',
            `\`${shown}\` runs at container start and ${root}; mercure runs the module as an unprivileged uid`,
            where,
          ),
        );
      const network = input.options.network ? undefined : networkReason(invocationOf(expanded));
      if (network !== undefined)
        findings.push(
          finding(
            'runtime-network',
            `\`${shown}\` ${network} at container start; mercure 0.4.1 runs modules with network "none"`,
            where,
          ),
        );
    }
  }
  return findings;
}

/** The inline `sh -c` text of the command, the entry script if it is a shell script, and scripts those call. */
async function runTimeScripts(input: StaticInput, entry: Entry): Promise<RunTimeScript[]> {
  const scripts: RunTimeScript[] = [];
  const { program, args } = invocationOf({ words: entry.command.argv, redirects: [], line: 1 });
  const c = args.indexOf('-c');
  if (SHELL.test(program) && c >= 0 && args[c + 1] !== undefined) {
    scripts.push({ file: input.dockerfile.file, text: args[c + 1]!, firstLine: entry.command.line });
  }
  const first = entry.provenance?.kind === 'context' ? entry.provenance.contextPath : undefined;
  if (first === undefined || input.ignore.excludedBy(first) !== undefined) return scripts;
  const seen = new Set<string>();
  const queue: { file: string; cwd: string; shell: boolean }[] = [
    { file: first, cwd: entry.target?.cwd ?? '/', shell: isShellEntry(entry) },
  ];
  const chain = finalChain(input.dockerfile);
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next.file)) continue;
    seen.add(next.file);
    const text = await input.files.readText(next.file);
    if (text === undefined || !(next.shell || /^#!.*\b(ba|da|z|k|a)?sh\b/.test(text))) continue;
    scripts.push({ file: next.file, text, firstLine: 1 });
    // Follow `./other.sh`, `bash other.sh`, `source other.sh` one script at a time.
    for (const command of parseShell(text)) {
      const called = calledScript(invocationOf(command));
      if (called === undefined) continue;
      const traced = traceImagePath(
        input.dockerfile,
        chain,
        posix.resolve(next.cwd, expandVariables(called, entry.env).value),
        input.files.entries,
      );
      if (traced?.kind === 'context')
        queue.push({ file: traced.contextPath, cwd: next.cwd, shell: /\.(sh|bash)$/.test(traced.contextPath) });
    }
  }
  return scripts;
}

function isShellEntry(entry: Entry): boolean {
  const target = entry.target;
  if (target === undefined) return false;
  if (target.interpreter !== undefined) return SHELL.test(target.interpreter);
  // Exec'd directly: the shebang decides (checked on read); a .sh without one is still meant as shell.
  return /\.(sh|bash)$/.test(target.path || target.written);
}

function calledScript(invocation: ReturnType<typeof invocationOf>): string | undefined {
  const { program, path, args } = invocation;
  if (program === 'source' || program === '.' || SHELL.test(program)) {
    const file = args.find((a) => !a.startsWith('-'));
    return args.includes('-c') ? undefined : file;
  }
  return path.includes('/') && /\.(sh|bash)$/.test(path) ? path : undefined;
}
