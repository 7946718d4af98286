import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { FolderTraits } from '../../mercure/variants/index.js';

/** A variant's case, written into its own folder under the stage, with what it holds. */
export interface WrittenCase {
  folder: string;
  traits: FolderTraits;
}

/**
 * When the matrix writes each variant's case and when each module run may start. Case i+1 is
 * written while variant i runs, and its smoke run may start (mercure's startup probe overlaps the
 * previous module run); but a run moves its input in and starts the module only once every earlier
 * run has finished, so module containers run one at a time, as on one processor.
 */
export class VariantSchedule {
  readonly #written: Promise<WrittenCase>[] = [];
  #previous: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stage: string,
    private readonly count: number,
    private readonly write: (index: number, folder: string) => Promise<unknown>,
    private readonly traitsOf: (folder: string) => Promise<FolderTraits>,
  ) {}

  /** Case `index`, written (started now if it was not yet), and the next one started in the background. */
  case(index: number): Promise<WrittenCase> {
    const written = this.#start(index);
    if (index + 1 < this.count) void this.#start(index + 1);
    return written;
  }

  /** Case `index` if it is written already, else undefined (still being written, or its write failed). */
  writtenAlready(index: number): Promise<WrittenCase | undefined> {
    // A settled promise's callbacks run before a fresh one's: one turn of the queue tells.
    return Promise.race([this.#start(index), Promise.resolve(undefined)]).catch(() => undefined);
  }

  /**
   * Queues a run: `run(turn)` starts now and must await `turn` before its module starts; `turn`
   * resolves once every run queued before it has finished. Returns `turn`, so the caller can
   * wait for it before queuing the next.
   */
  queue(run: (turn: Promise<void>) => Promise<unknown>): Promise<void> {
    const turn = this.#previous.then(() => undefined);
    this.#previous = run(turn).catch(() => undefined);
    return turn;
  }

  /** Waits for every run and every write, then removes the stage. */
  async close(): Promise<void> {
    await this.#previous;
    await Promise.all(this.#written.map((p) => p.catch(() => undefined)));
    await rm(this.stage, { recursive: true, force: true });
  }

  #start(index: number): Promise<WrittenCase> {
    let written = this.#written[index];
    if (written === undefined) {
      if (index >= this.count) return Promise.reject(new RangeError(`no variant ${index}`));
      const folder = path.join(this.stage, String(index));
      written = this.write(index, folder).then(async () => ({ folder, traits: await this.traitsOf(folder) }));
      written.catch(() => undefined); // a failed write surfaces in that variant's smoke run
      this.#written[index] = written;
    }
    return written;
  }
}
