import { Command, CommanderError } from 'commander';
import { escapeControl, ExitCode, isModuleError } from '../errors.js';
import { runCleanups } from '../cleanup.js';
import { removeLiveContainers } from '../engine/containers.js';
import { registerCheck } from './commands/check.js';
import { registerFixtures } from './commands/fixtures.js';
import { registerInit } from './commands/init.js';
import { registerBuild } from './commands/build.js';
import { registerPromote } from './commands/promote.js';
import { registerPublish } from './commands/publish.js';
import { registerRegistryEntry } from './commands/registry-entry.js';
import { registerRelease } from './commands/release.js';
import { registerStatus } from './commands/status.js';
import { registerValidate } from './commands/validate.js';
import { styleFor } from '../report/style.js';
import { KIT_VERSION } from '../version.js';
import type { CliContext } from './context.js';

/** How long an interrupted command may take to wind down before the process cleans up and exits. */
export const INTERRUPT_GRACE_MS = 2000;

/**
 * Runs the CLI on argv (without node and script) and returns the exit code. Run as the process's own
 * CLI (no streams given), an interrupt that the work has not answered within INTERRUPT_GRACE_MS, or
 * a second one, runs the registered clean-ups (containers, case folders) and exits 130: whatever a
 * step is stuck in (a peer that never answers, a read that never ends), the process ends.
 */
export async function main(
  argv: string[],
  streams?: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const ownProcess = streams === undefined;
  const out = streams ?? { stdout: process.stdout, stderr: process.stderr };
  const controller = new AbortController();
  const ctx: CliContext = { signal: controller.signal, ...out, exitCode: ExitCode.ok };
  const forceExit = (why: string) => {
    out.stderr.write(`mercure-module: ${why}: removing containers and temp folders, then exiting\n`);
    void runCleanups().finally(() => process.exit(ExitCode.interrupted));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (ownProcess) forceExit(`second ${signal}`);
      return;
    }
    out.stderr.write(`\nmercure-module: ${signal} received: stopping and removing containers\n`);
    controller.abort(signal);
    ctx.exitCode = ExitCode.interrupted;
    if (ownProcess)
      setTimeout(
        () => forceExit(`still busy ${INTERRUPT_GRACE_MS / 1000} s after ${signal}`),
        INTERRUPT_GRACE_MS,
      ).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const program = new Command('mercure-module')
    .description('Validate, build and publish mercure processing modules.')
    .version(KIT_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => out.stdout.write(s), writeErr: (s) => out.stderr.write(s) })
    .enablePositionalOptions()
    .exitOverride();
  registerCheck(program, ctx);
  registerFixtures(program, ctx);
  registerValidate(program, ctx);
  registerBuild(program, ctx);
  registerPublish(program, ctx);
  registerRelease(program, ctx);
  registerPromote(program, ctx);
  registerStatus(program, ctx);
  registerRegistryEntry(program, ctx);
  registerInit(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.signal.aborted ? ExitCode.interrupted : ctx.exitCode;
  } catch (error) {
    const code = reportError(error, out.stderr, ctx);
    if (wantsJson(argv)) out.stdout.write(`${JSON.stringify(jsonFailure(error, code))}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await removeLiveContainers();
  }
}

/** `--json` among the options (not after a `--`): failures then print a JSON object on stdout too. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** The failure as one JSON document, for scripts that read stdout (the text stays on stderr). */
function jsonFailure(error: unknown, exitCode: number): { ok: false; error: Record<string, unknown> } {
  if (isModuleError(error)) {
    return {
      ok: false,
      error: {
        code: error.code,
        kind: error.kind,
        message: error.message,
        exitCode,
        ...(error.hint ? { hint: error.hint } : {}),
      },
    };
  }
  if (error instanceof CommanderError) {
    return { ok: false, error: { code: error.code, kind: 'usage', message: error.message, exitCode } };
  }
  return { ok: false, error: { code: 'internal-error', kind: 'internal', message: String(error), exitCode } };
}

function reportError(error: unknown, stderr: NodeJS.WriteStream, ctx: CliContext): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help / version text).
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  const style = styleFor(stderr);
  if (isModuleError(error)) {
    stderr.write(`${style.red('mercure-module: error:')} ${escapeControl(error.message, { keepLineBreaks: true })}\n`);
    if (error.hint) stderr.write(`  ${style.dim(`hint: ${escapeControl(error.hint, { keepLineBreaks: true })}`)}\n`);
    // A failure caused by the interrupt (an aborted request) still exits as interrupted.
    return ctx.signal.aborted ? ExitCode.interrupted : error.exitCode;
  }
  if (ctx.signal.aborted) return ExitCode.interrupted;
  // Not a user error: a bug. Show everything so it can be reported.
  stderr.write(
    `${style.red('mercure-module: internal error (please report it):')}\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return 70;
}
