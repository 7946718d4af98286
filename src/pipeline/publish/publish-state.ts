// What a publish that stopped or failed half-way says it left behind, so that the user knows
// whether anything was published and that running it again finishes the job.
import { ModuleError, isModuleError } from '../../errors.js';
import type { TagPlan } from '../../release/index.js';

/** ModuleError 'interrupted' (or "timed out" for a deadline) saying what state the publish stopped in. */
export function stopped(signal: AbortSignal | undefined, state: string): ModuleError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'interrupted';
  return new ModuleError('interrupted', `${why}${state ? ` ${state}` : ''}`, {
    kind: 'environment',
    hint: 'Run the same command again to publish: nothing needs undoing.',
  });
}

/** A failure between the push and the first tag move: the version is published, no floating tag moved. */
export function afterPush(error: unknown, reference: string, digest: string, plan: TagPlan): unknown {
  if (!isModuleError(error)) return error;
  const floating = plan.tags.slice(1).map((t) => t.tag);
  const state = `${reference} is pushed (${digest})${floating.length ? `; not moved: ${floating.join(', ')}` : ''}`;
  const message =
    error.code === 'interrupted'
      ? `${error.message.startsWith('timed out') ? 'timed out' : 'interrupted'}: ${state}`
      : `${error.message}; ${state}`;
  return new ModuleError(error.code, message, {
    kind: error.kind,
    hint: 'Run the same command again to finish: publishing is idempotent.',
    cause: error,
  });
}
