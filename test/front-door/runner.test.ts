import { describe, expect, test } from 'vitest';
import { ExitCode, librarySpelling, ModuleError } from '../../src/errors.js';
import { INTERNAL_ERROR_EXIT, runFrontDoor, type Failure, type FrontDoor } from '../../src/front-door/runner.js';

/** A door that records what it was asked to show; never the process's own (no forced exit in a test). */
function recordingDoor(): FrontDoor & { notices: string[]; failures: Failure[] } {
  const notices: string[] = [];
  const failures: Failure[] = [];
  return {
    ownProcess: false,
    spelling: librarySpelling,
    notices,
    failures,
    notice: (t) => notices.push(t),
    fail: (f) => void failures.push(f),
  };
}

type Row = [
  name: string,
  work: (signal: AbortSignal) => Promise<number>,
  code: number,
  shown: Failure['kind'] | undefined,
];
const rows: Row[] = [
  ['fd01 the work exit code', () => Promise.resolve(ExitCode.findings), ExitCode.findings, undefined],
  ['fd02 a usage error', () => Promise.reject(new ModuleError('bad-settings', 'bad')), ExitCode.usage, 'module'],
  [
    'fd03 an environment error',
    () => Promise.reject(new ModuleError('engine-error', 'down', { kind: 'environment' })),
    ExitCode.environment,
    'module',
  ],
  [
    'fd04 anything else is a bug: 70 in both doors (the Action exited 1)',
    () => Promise.reject(new TypeError('x')),
    INTERNAL_ERROR_EXIT,
    'internal',
  ],
];

describe('the front-door runner', () => {
  test.each(rows)('%s', async (_name, work, code, shown) => {
    const door = recordingDoor();
    expect(await runFrontDoor(door, work)).toBe(code);
    expect(door.failures.map((f) => f.kind)).toEqual(shown ? [shown] : []);
    expect(door.failures.map((f) => f.exitCode)).toEqual(shown ? [code] : []);
  });

  test('fd05 SIGINT aborts the work, which then exits 130 whatever it returns or throws', async () => {
    for (const ending of ['returns', 'throws a module error', 'throws'] as const) {
      const door = recordingDoor();
      const code = await runFrontDoor(door, async (signal) => {
        process.emit('SIGINT', 'SIGINT');
        expect(signal.aborted).toBe(true);
        if (ending === 'throws a module error') throw new ModuleError('aborted', 'the request was aborted');
        if (ending === 'throws') throw new Error('AbortError');
        return ExitCode.ok;
      });
      expect(code).toBe(ExitCode.interrupted);
      expect(door.notices).toEqual(['SIGINT received: stopping and removing containers']);
      const kinds = { returns: [], 'throws a module error': ['module'], throws: ['interrupted'] }[ending];
      expect(door.failures.map((f) => f.kind)).toEqual(kinds);
    }
  });

  test('fd06 the signal handlers are gone once the run ends', async () => {
    const before = process.listenerCount('SIGINT');
    await runFrontDoor(recordingDoor(), () => {
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      return Promise.resolve(0);
    });
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
