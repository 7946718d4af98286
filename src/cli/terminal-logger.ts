import type { Logger } from '../report/logger.js';
import { styleFor } from '../report/style.js';

/** Progress and diagnostics on stderr, so that stdout carries only the report (or --json). */
export class TerminalLogger implements Logger {
  private readonly style;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly verbose = false,
    private readonly quiet = false,
  ) {
    this.style = styleFor(stream);
  }

  debug(message: string): void {
    if (this.verbose) this.stream.write(`${this.style.dim(message)}\n`);
  }
  info(message: string): void {
    if (!this.quiet) this.stream.write(`${message}\n`);
  }
  warn(message: string): void {
    this.stream.write(`${this.style.yellow('warning:')} ${message}\n`);
  }
  step(title: string): { done(summary?: string): void } {
    const started = Date.now();
    if (!this.quiet) this.stream.write(`${this.style.dim('›')} ${title}\n`);
    return {
      done: (summary?: string) => {
        if (this.quiet) return;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        this.stream.write(`${this.style.dim('✓')} ${title}${summary ? `: ${summary}` : ''} ${this.style.dim(`(${seconds} s)`)}\n`);
      },
    };
  }
}
