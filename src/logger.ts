/**
 * How the library talks to people. The CLI backs it with the terminal, the Action with
 * @actions/core; the library never writes to stdout itself.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** A named phase (build, smoke run, push); `done` ends it. */
  step(title: string): StepHandle;
  /**
   * How far a long transfer has come (bytes of a push or copy), as often as it likes: a terminal
   * redraws one line, other loggers may ignore it. Optional.
   */
  progress?(what: string, done: number, total: number | undefined): void;
  /**
   * A line of build output as it comes, with the build step it belongs to. A terminal redraws one
   * line with the current step (every line with -v); a CI log prints every line. Optional: debug()
   * gets the lines otherwise.
   */
  output?(line: string, step: string | undefined): void;
}

/** The end of a step: `done(summary)`, or `done(summary, 'failed')` when the step failed (shown as such, never as a tick). */
export interface StepHandle {
  done(summary?: string, outcome?: 'ok' | 'failed'): void;
}

/** A logger that drops everything: the default for library callers who pass none. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  step() {
    return { done() {} };
  },
};

/** Collects messages in memory; used by tests and by report builders. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'debug' | 'info' | 'warn' | 'step'; message: string }[] = [];
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  step(title: string): StepHandle {
    this.lines.push({ level: 'step', message: title });
    return {
      done: (summary?: string) => summary && this.lines.push({ level: 'step', message: `${title}: ${summary}` }),
    };
  }
}
