/**
 * Reads BuildKit's plain progress (`--progress plain`) line by line: which steps ran, which came
 * from the cache, which failed and why. Pure, so it is table-tested on captured output.
 */

/** One vertex of the build: a Dockerfile step or an internal one (loading the context, metadata). */
export interface BuildStep {
  id: number;
  name: string;
  cached: boolean;
  done: boolean;
  error?: string;
}

/** Where a build stands after the lines read so far. */
export class PlainProgress {
  readonly steps = new Map<number, BuildStep>();
  /** The final `ERROR: ...` line's message, when the build failed. */
  failure: string | undefined;
  private current: BuildStep | undefined;

  /** Reads one line; returns the step it is about, if any. */
  read(line: string): BuildStep | undefined {
    const m = /^#(\d+) (.*)$/.exec(line);
    if (!m) {
      const error = /^ERROR: (.*)$/.exec(line);
      if (error?.[1]) this.failure = error[1].replace(/^failed to solve: /, '');
      return undefined;
    }
    const id = Number(m[1]);
    const rest = m[2] ?? '';
    let step = this.steps.get(id);
    if (!step) {
      step = { id, name: rest, cached: false, done: false };
      this.steps.set(id, step);
    } else if (rest === 'CACHED') {
      step.cached = true;
      step.done = true;
    } else if (/^DONE \d/.test(rest)) {
      step.done = true;
    } else if (rest.startsWith('ERROR: ')) {
      step.error = rest.slice('ERROR: '.length);
    } else if (/^CANCELED/.test(rest)) {
      step.done = true;
    }
    this.current = step;
    return step;
  }

  /** The Dockerfile step that failed (not an internal one when a Dockerfile step failed too). */
  get failedStep(): BuildStep | undefined {
    const failed = [...this.steps.values()].filter((s) => s.error !== undefined);
    return failed.find((s) => isDockerfileStep(s)) ?? failed[0];
  }

  /** The step whose output came last. */
  get latest(): BuildStep | undefined {
    return this.current;
  }

  /** Dockerfile steps (not `[internal]` ones), in order. */
  get dockerfileSteps(): BuildStep[] {
    return [...this.steps.values()].filter(isDockerfileStep);
  }
}

/** True for a step of the Dockerfile: its name starts with `[stage k/n]` or `[k/n]`. */
export function isDockerfileStep(step: BuildStep): boolean {
  return /^\[[^\]]*\d+\/\d+\] /.test(step.name);
}

/** The step name without BuildKit's `[stage k/n]` prefix, e.g. `RUN pip install -r requirements.txt`. */
export function instructionOf(step: BuildStep): string {
  return step.name.replace(/^\[[^\]]*\] /, '');
}

/** True when a failure is BuildKit fetching the frontend image a `# syntax=` line names. */
export function isFrontendFailure(progress: PlainProgress): boolean {
  const failed = progress.failedStep;
  return (
    (failed !== undefined && /^resolve image config for .*dockerfile/i.test(failed.name)) ||
    /failed to solve with frontend gateway/.test(progress.failure ?? '')
  );
}
