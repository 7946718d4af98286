import { ModuleError } from '../errors.js';
import type { RetryPolicy } from './policy.js';

/** What a retry loop needs: the policy, the wait, the clock, the abort signal and who is told. */
export interface RetryContext {
  retry: RetryPolicy;
  /** Waits between tries; resolves early (the loop then sees the signal aborted) on an abort. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock elapsed time (and Retry-After dates) are read against; defaults to Date.now. */
  now?: () => number;
  /** SIGINT/SIGTERM or a deadline: no new try starts and waits end. */
  signal?: AbortSignal | undefined;
  /** Counts every retry made (tests and reports read it). */
  retries?: { count: number };
}

/** Why one try failed, when another might succeed. */
export interface Transient {
  /** For the retry line: `HTTP 503 on GET https://...`. */
  why: string;
  status?: number;
  networkCode?: string;
  retryAfterMs?: number;
  /** Try again at once without asking the policy (a refused token, already dropped). */
  immediate?: boolean;
  /** Give up at once without asking the policy (a wait asked for beyond every bound). */
  final?: boolean;
  /** Run before the wait (drop an answer's body that nobody reads). */
  discard?: () => Promise<void>;
}

/** How one loop retries: what it is called, how failures are judged, and what giving up means. */
export interface RetryPlan<T> {
  /** The method (or operation) and URL told to the policy. */
  method: string;
  url: string;
  /** What is stopped when the signal fires, for 'interrupted': `GET https://...`. */
  what: string;
  /** Judges a failed try: transient, or undefined (the error is thrown as it is). */
  judge: (error: unknown) => Transient | undefined;
  /** When the policy gives up on a transient failure: the result, or an error thrown; default: throw it. */
  giveUp?: (error: unknown, transient: Transient) => T;
  /** At most this many tries in all, whatever the policy says. */
  maxAttempts?: number;
  /** The error for an abort; defaults to ModuleError 'interrupted' naming `what`. */
  interrupted?: (signal: AbortSignal) => Error;
  /** Told each retry, once: `<why>; trying again (retry n) in x s`. */
  tell: (message: string) => void;
}

/**
 * The one retry loop of the kit: runs `run` until it succeeds, fails for a reason that is not
 * transient, the policy gives up, or the signal fires. Requests (registry, Docker Hub) and whole
 * operations (a blob upload started over, an engine push) all retry through here.
 */
export async function retrying<T>(
  context: RetryContext,
  plan: RetryPlan<T>,
  run: (attempt: number) => Promise<T>,
): Promise<T> {
  const now = context.now ?? Date.now;
  const stopped = plan.interrupted ?? ((signal: AbortSignal) => interrupted(signal, plan.what));
  const started = now();
  for (let attempt = 1; ; attempt++) {
    if (context.signal?.aborted) throw stopped(context.signal);
    try {
      return await run(attempt);
    } catch (error) {
      if (context.signal?.aborted) throw stopped(context.signal);
      const transient = plan.judge(error);
      if (!transient) throw error;
      const delay =
        transient.final || attempt >= (plan.maxAttempts ?? Infinity)
          ? undefined
          : transient.immediate
            ? 0
            : context.retry({
                attempt,
                method: plan.method,
                url: plan.url,
                ...(transient.status !== undefined ? { status: transient.status } : {}),
                ...(transient.networkCode !== undefined ? { networkCode: transient.networkCode } : {}),
                ...(transient.retryAfterMs !== undefined ? { retryAfterMs: transient.retryAfterMs } : {}),
                elapsedMs: now() - started,
              });
      if (delay === undefined) {
        if (plan.giveUp) return plan.giveUp(error, transient);
        throw error;
      }
      await transient.discard?.();
      plan.tell(`${transient.why}; trying again (retry ${attempt}) in ${(delay / 1000).toFixed(1)} s`);
      if (context.retries) context.retries.count++;
      await context.sleep(delay, context.signal);
    }
  }
}

/** ModuleError 'interrupted' for work stopped by `signal`: a deadline says "timed out". */
export function interrupted(signal: AbortSignal, during: string): ModuleError {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  const why = timedOut ? 'timed out' : typeof reason === 'string' ? `interrupted (${reason})` : 'interrupted';
  return new ModuleError('interrupted', `${why} during ${during}`, { kind: 'environment' });
}
