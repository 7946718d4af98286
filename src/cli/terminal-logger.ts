import type { Logger, StepHandle } from '../logger.js';
import { ProgressMeter } from '../report/progress.js';
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

  /** A progress line is on screen and must be cleared before anything else is written. */
  private progressShown = false;
  private lastProgress = 0;
  private readonly meter = new ProgressMeter();

  /** Redraws one progress line, at most ten times a second, on an interactive terminal only. */
  progress(what: string, done: number, total: number | undefined): void {
    if (this.quiet || this.stream.isTTY !== true) return;
    const now = Date.now();
    if (now - this.lastProgress < 100 && (total === undefined || done < total)) return;
    this.lastProgress = now;
    this.stream.write(`\r\u001b[2K  ${this.style.dim(this.meter.line(what, done, total))}`);
    this.progressShown = true;
  }

  /** Build output: every line with -v; otherwise the current step, redrawn on one line of a terminal. */
  output(line: string, step: string | undefined): void {
    if (this.verbose) return this.debug(line);
    if (this.quiet || this.stream.isTTY !== true || step === undefined) return;
    const width = Math.max(20, (this.stream.columns || 80) - 4);
    const text = step.length > width ? `${step.slice(0, width - 1)}…` : step;
    this.stream.write(`\r\u001b[2K  ${this.style.dim(text)}`);
    this.progressShown = true;
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.stream.write('\r\u001b[2K');
    this.progressShown = false;
  }

  debug(message: string): void {
    if (!this.verbose) return;
    this.clearProgress();
    this.stream.write(`${this.style.dim(message)}\n`);
  }
  info(message: string): void {
    this.clearProgress();
    if (!this.quiet) this.stream.write(`${message}\n`);
  }
  warn(message: string): void {
    this.clearProgress();
    this.stream.write(`${this.style.yellow('warning:')} ${message}\n`);
  }
  step(title: string): StepHandle {
    const started = Date.now();
    if (!this.quiet) this.stream.write(`${this.style.dim('›')} ${title}\n`);
    return {
      done: (summary?: string, outcome: 'ok' | 'failed' = 'ok') => {
        this.clearProgress();
        if (this.quiet) return;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const mark = outcome === 'failed' ? this.style.red('✗') : this.style.dim('✓');
        this.stream.write(`${mark} ${title}${summary ? `: ${summary}` : ''} ${this.style.dim(`(${seconds} s)`)}\n`);
      },
    };
  }
}
