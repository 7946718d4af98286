// The error a promise rejects with, for tests that look at failures: `failure` takes any
// rejection, `moduleFailure` insists on a ModuleError (what a person is shown). A promise that
// resolves fails the test.
import { isModuleError, type ModuleError } from '../../src/errors.js';

export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

export async function moduleFailure(promise: Promise<unknown>): Promise<ModuleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isModuleError(error)) throw new Error(`expected a ModuleError, got ${String(error)}`);
  return error;
}
