/**
 * What must go when the process is stopped early: containers it runs, case folders, a partial
 * fixtures folder. Each owner registers its clean-up while the thing exists; an interrupt that the
 * work does not answer in time runs them all and exits (see cli/main.ts).
 */
const tasks = new Set<() => Promise<unknown>>();

/** Registers a clean-up; the returned function unregisters it (call it once the thing is gone). */
export function cleanupOnExit(task: () => Promise<unknown>): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

/** Runs every registered clean-up at once, each at most `ms` long, and forgets them. */
export async function runCleanups(ms = 5000): Promise<void> {
  const pending = [...tasks];
  tasks.clear();
  const limit = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
  await Promise.race([Promise.allSettled(pending.map((task) => task())), limit]);
}
