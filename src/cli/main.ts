/**
 * The `mercure-module` command line, one of the two front doors (action/ is the other): commander
 * wiring (commands/, one file a command), option parsing (options.ts, build-options.ts), the
 * terminal logger, and how the CLI names options in library hints (spelling.ts). Signals, exit
 * codes and clean-up are the front-door runner's (front-door/), shared with the Action.
 */
import { Command, CommanderError } from 'commander';
import { escapeControl, ExitCode } from '../errors.js';
import { runFrontDoor, type Failure, type FrontDoor } from '../front-door/runner.js';
import { styleFor } from '../report/style.js';
import { KIT_VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import type { CliContext } from './context.js';
import { cliSpelling } from './spelling.js';

/**
 * Runs the CLI on argv (without node and script) and returns the exit code, through the front-door
 * runner shared with the Action (signals, exit codes, clean-up). Run as the process's own CLI (no
 * streams given), an interrupt that the work has not answered in time, or a second one, runs the
 * registered clean-ups (containers, case folders) and exits 130: whatever a step is stuck in (a peer
 * that never answers, a read that never ends), the process ends.
 */
export async function main(
  argv: string[],
  streams?: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const out = streams ?? { stdout: process.stdout, stderr: process.stderr };
  const door: FrontDoor = {
    ownProcess: streams === undefined,
    spelling: cliSpelling,
    notice: (text) => out.stderr.write(`\nmercure-module: ${text}\n`),
    fail: (failure) => {
      printFailure(failure, out.stderr);
      if (wantsJson(argv)) out.stdout.write(`${JSON.stringify(jsonFailure(failure))}\n`);
    },
  };
  return runFrontDoor(door, async (signal) => {
    const ctx: CliContext = { signal, ...out, exitCode: ExitCode.ok };
    const program = new Command('mercure-module')
      .description('Validate, build and publish mercure processing modules.')
      .version(KIT_VERSION, '-V, --version')
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({ writeOut: (s) => out.stdout.write(s), writeErr: (s) => out.stderr.write(s) })
      .enablePositionalOptions()
      .exitOverride();
    for (const register of COMMANDS) register(program, ctx);
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      // Commander has already printed its message (or the help / version text).
      if (error.exitCode === 0) return ExitCode.ok;
      if (wantsJson(argv)) {
        const failure = { ok: false, error: { code: error.code, kind: 'usage', message: error.message, exitCode: 2 } };
        out.stdout.write(`${JSON.stringify(failure)}\n`);
      }
      return ExitCode.usage;
    }
    return ctx.exitCode;
  });
}

/** `--json` among the options (not after a `--`): failures then print a JSON object on stdout too. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** The failure as one JSON document, for scripts that read stdout (the text stays on stderr). */
function jsonFailure(failure: Failure): { ok: false; error: Record<string, unknown> } {
  const { exitCode } = failure;
  if (failure.kind === 'module') {
    const { error, message, hint } = failure;
    return {
      ok: false,
      error: {
        code: error.code,
        kind: error.kind,
        message,
        exitCode,
        ...(hint ? { hint } : {}),
      },
    };
  }
  if (failure.kind === 'interrupted') {
    return { ok: false, error: { code: 'interrupted', kind: 'interrupted', message: 'interrupted', exitCode } };
  }
  return { ok: false, error: { code: 'internal-error', kind: 'internal', message: String(failure.error), exitCode } };
}

function printFailure(failure: Failure, stderr: NodeJS.WriteStream): void {
  const style = styleFor(stderr);
  if (failure.kind === 'module') {
    const { message, hint } = failure;
    stderr.write(`${style.red('mercure-module: error:')} ${escapeControl(message, { keepLineBreaks: true })}\n`);
    if (hint) stderr.write(`  ${style.dim(`hint: ${escapeControl(hint, { keepLineBreaks: true })}`)}\n`);
  } else if (failure.kind === 'internal') {
    // Not a user error: a bug. Show everything so it can be reported.
    const error = failure.error as Error | undefined;
    stderr.write(
      `${style.red('mercure-module: internal error (please report it):')}\n${error?.stack ?? String(error)}\n`,
    );
  }
}
