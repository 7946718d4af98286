/** One transfer's progress as a person reads it: amount, rate and time left. */
export class ProgressMeter {
  readonly #started = new Map<string, { at: number; done: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `pushing acme/blur:1.2.3: 120.3 / 590.0 MiB, 45.1 MiB/s, 10 s left` (rate and time once measurable). */
  line(what: string, done: number, total: number | undefined): string {
    const now = this.now();
    let start = this.#started.get(what);
    if (!start) {
      start = { at: now, done };
      this.#started.set(what, start);
    }
    const amount = total ? `${mebibytes(done)} / ${mebibytes(total)} MiB` : `${mebibytes(done)} MiB`;
    const seconds = (now - start.at) / 1000;
    if (seconds < 0.5 || done <= start.done) return `${what}: ${amount}`;
    const rate = (done - start.done) / seconds;
    const left = total && total > done ? `, ${Math.ceil((total - done) / rate)} s left` : '';
    return `${what}: ${amount}, ${mebibytes(rate)} MiB/s${left}`;
  }
}

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
