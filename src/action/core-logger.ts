import * as core from '@actions/core';
import type { Logger, StepHandle } from '../logger.js';
import { ProgressMeter } from '../report/progress.js';

/** A runner's log is no terminal: a progress line at most this often, and one at the end. */
const PROGRESS_EVERY_MS = 5000;

/**
 * The library's Logger on a GitHub runner: info and warnings in the log, debug lines only with
 * step debug logging on, and each step a collapsible group closed by a one-line result.
 */
export class ActionLogger implements Logger {
  /** Titles of open groups; the log cannot nest them, so an inner step is a plain line. */
  private readonly open: string[] = [];
  private readonly meter = new ProgressMeter();
  private lastProgress = 0;

  /** How far a long transfer has come, every few seconds. */
  progress(what: string, done: number, total: number | undefined): void {
    const line = this.meter.line(what, done, total);
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    core.info(line);
  }

  /** Debug lines (build and push output, registry requests) show with ACTIONS_STEP_DEBUG. */
  debug(message: string): void {
    core.debug(message);
  }
  /** Build output: every line in the log, as docker/build-push-action shows it. */
  output(line: string): void {
    core.info(line);
  }
  /** A line in the log. */
  info(message: string): void {
    core.info(message);
  }
  /** A warning annotation on the run. */
  warn(message: string): void {
    core.warning(message);
  }
  /** Opens a group for the step; `done` closes it and prints the result outside it, so it stays visible. */
  step(title: string): StepHandle {
    const started = Date.now();
    const grouped = this.open.length === 0;
    if (grouped) core.startGroup(title);
    else core.info(`› ${title}`);
    this.open.push(title);
    return {
      done: (summary?: string, outcome: 'ok' | 'failed' = 'ok') => {
        const at = this.open.lastIndexOf(title);
        if (at < 0) return;
        this.open.splice(at);
        if (grouped) core.endGroup();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        core.info(`${outcome === 'failed' ? '✗' : '✓'} ${title}${summary ? `: ${summary}` : ''} (${seconds} s)`);
      },
    };
  }
  /** Closes a group left open by a step that failed, so the error that follows is not folded away. */
  close(): void {
    if (this.open.length > 0) core.endGroup();
    this.open.length = 0;
  }
}
