/**
 * The one runner both front doors (cli/main.ts, action/main.ts) put their work in: it turns
 * SIGINT/SIGTERM into the abort signal the library takes, ends a process whose work does not
 * answer an interrupt in time, decides the exit code of every failure and removes the containers
 * the work left running. Each door only says how it shows a line and a failure.
 */
import { runCleanups } from '../cleanup.js';
import { ExitCode, isModuleError, type ModuleError, type Spelling } from '../errors.js';

/** How long interrupted work may take to wind down before the process cleans up and exits. */
export const INTERRUPT_GRACE_MS = 2000;

/** Exit code of a failure that is not a user error: a bug (EX_SOFTWARE). */
export const INTERNAL_ERROR_EXIT = 70;

/** A failure as the runner classified it, with the exit code the process ends with. */
export type Failure =
  /** A user-facing error (possibly caused by the interrupt: the exit code says so), told in the door's words. */
  | { kind: 'module'; error: ModuleError; exitCode: number; message: string; hint: string | undefined }
  /** Anything else thrown after an interrupt: the interrupt is the story, not the error. */
  | { kind: 'interrupted'; error: unknown; exitCode: number }
  /** Anything else: a bug, to be shown whole so it can be reported. */
  | { kind: 'internal'; error: unknown; exitCode: number };

/** What a front door tells the runner: how it shows things, and whether it owns the process. */
export interface FrontDoor {
  /** Shows one line about the run itself (an interrupt received, a forced exit). */
  notice(text: string): void;
  /** Shows a failure as this door shows failures (stderr, core.setFailed, a job summary). */
  fail(failure: Failure): void | Promise<void>;
  /**
   * Whether this door is the process's own entry: only then may an unanswered interrupt (after
   * `graceMs`) or a second one run the registered clean-ups and exit the process with 130.
   */
  ownProcess: boolean;
  graceMs?: number;
  /** How this door names options and commands, for library messages that point at one. */
  spelling: Spelling;
}

/** The exit code and kind of a thrown value; `aborted`: whether an interrupt came first. */
export function classifyFailure(error: unknown, aborted: boolean, spelling: Spelling): Failure {
  if (isModuleError(error)) {
    const exitCode = aborted ? ExitCode.interrupted : error.exitCode;
    return { kind: 'module', error, exitCode, ...error.told(spelling) };
  }
  if (aborted) return { kind: 'interrupted', error, exitCode: ExitCode.interrupted };
  return { kind: 'internal', error, exitCode: INTERNAL_ERROR_EXIT };
}

/**
 * Runs `work` with an abort signal tied to SIGINT/SIGTERM and returns the exit code: the work's own
 * (130 when interrupted), or that of what it threw, after the door has shown it. The containers
 * the work started are removed whatever happens.
 */
export async function runFrontDoor(door: FrontDoor, work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const grace = door.graceMs ?? INTERRUPT_GRACE_MS;
  const forceExit = (why: string) => {
    door.notice(`${why}: removing containers and temp folders, then exiting`);
    void runCleanups().finally(() => process.exit(ExitCode.interrupted));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // A second one (a runner cancelling sends SIGINT, then SIGTERM): stop waiting for the work.
      if (door.ownProcess) forceExit(`second ${signal}`);
      return;
    }
    door.notice(`${signal} received: stopping and removing containers`);
    controller.abort(signal);
    if (door.ownProcess) setTimeout(() => forceExit(`still busy ${grace / 1000} s after ${signal}`), grace).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await work(controller.signal);
    return controller.signal.aborted ? ExitCode.interrupted : code;
  } catch (error) {
    const failure = classifyFailure(error, controller.signal.aborted, door.spelling);
    await door.fail(failure);
    return failure.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Loaded here, not at the top: the Action prints its first line before the engine client loads.
    await (await import('../engine/containers.js')).removeLiveContainers();
  }
}
