import { Command, CommanderError } from 'commander';
import { escapeControl, ExitCode, isModuleError } from '../errors.js';
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

/** Runs the CLI on argv (without node and script) and returns the exit code. */
export async function main(
  argv: string[],
  streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = {
    stdout: process.stdout,
    stderr: process.stderr,
  },
): Promise<number> {
  const controller = new AbortController();
  const ctx: CliContext = { signal: controller.signal, ...streams, exitCode: ExitCode.ok };
  const onSignal = (signal: NodeJS.Signals) => {
    streams.stderr.write(`\nmercure-module: ${signal} received: stopping and removing containers\n`);
    controller.abort(signal);
    ctx.exitCode = ExitCode.interrupted;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const program = new Command('mercure-module')
    .description('Validate, build and publish mercure processing modules.')
    .version(KIT_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) })
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
    return reportError(error, streams.stderr, ctx);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await removeLiveContainers();
  }
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
