/** What every command gets: the abort signal for SIGINT/SIGTERM and where to write. */
export interface CliContext {
  signal: AbortSignal;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Set by a command to the process exit code it wants. */
  exitCode: number;
}
