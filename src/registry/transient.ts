// Which registry failures are worth another try of a whole operation (a blob upload restarted
// from a new POST), with what the registry said about waiting. Kept beside the error, not in it:
// ModuleError stays one plain class for every layer.
import type { ModuleError } from '../errors.js';

/** Why a failure is transient: the status or network code, and any wait the registry asked for. */
export interface TransientFailure {
  status?: number;
  networkCode?: string;
  retryAfterMs?: number | undefined;
  /** A refused token on a request that cannot be replayed: fetch a new one and start over at once. */
  tokenExpired?: boolean;
}

const transient = new WeakMap<object, TransientFailure>();

/** Marks `error` as transient and returns it. */
export function markTransient<E extends ModuleError>(error: E, failure: TransientFailure): E {
  transient.set(error, failure);
  return error;
}

/** What makes `error` transient, or undefined when another try would fail the same way. */
export function transientFailure(error: unknown): TransientFailure | undefined {
  return typeof error === 'object' && error !== null ? transient.get(error) : undefined;
}
