/**
 * The host's Python with pydicom (Debian's python3-pydicom, installed by scripts/setup.sh), used
 * as the independent reader our DICOM and JSON output is checked against.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

let found: string | undefined;

/** A python3 that can import pydicom: the one on PATH, else Debian's (a pyenv python3 may shadow it). */
export function pydicomPython(): string {
  if (found) return found;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' });
      found = candidate;
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('no python3 with pydicom and numpy: run `bash scripts/setup.sh` (installs python3-pydicom)');
}

/** Runs a Python program with the pydicom interpreter; returns its stdout. */
export function runPython(code: string, args: readonly string[] = [], input?: string): string {
  return execFileSync(pydicomPython(), ['-c', code, ...args], { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
}

/** pydicom's folder of real test DICOM files. */
export function pydicomTestFiles(): string {
  const root = runPython('import pydicom, os; print(os.path.dirname(pydicom.__file__))').trim();
  return path.join(root, 'data', 'test_files');
}
