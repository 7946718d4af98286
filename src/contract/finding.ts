import { escapeControl } from '../errors.js';
import { FINDING_CATALOGUE, type FindingCode, type Severity } from './codes.js';

export type { Severity } from './codes.js';

/** One thing wrong (or worth a look) in a module, with where it is and what to do about it. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Path relative to the module folder (or an image reference for smoke-run findings). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  message: string;
  hint: string;
}

/** Builds a finding with the catalogue's severity and hint unless the caller overrides them. */
export function finding(
  code: FindingCode,
  message: string,
  where: { file?: string; line?: number; severity?: Severity; hint?: string } = {},
): Finding {
  const entry = FINDING_CATALOGUE[code];
  const result: Finding = {
    code,
    severity: where.severity ?? entry.severity,
    // Messages quote module files, which may hold terminal escapes or binary garbage.
    message: escapeControl(message),
    hint: where.hint ?? entry.hint,
  };
  // So do file names: a module names its output files as it likes.
  if (where.file !== undefined) result.file = escapeControl(where.file);
  if (where.line !== undefined) result.line = where.line;
  return result;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Errors first, then by file and line, so reports read top to bottom. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => (f.severity === 'error' ? 0 : 1);
  return [...findings].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.code.localeCompare(b.code),
  );
}
