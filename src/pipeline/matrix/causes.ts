/**
 * Grouping a matrix's failures by cause: the finding code and the first error line of the
 * module's log with what differs between variants (UIDs, paths, numbers) taken out, so that one
 * bug that breaks six variants reads as one cause with six names.
 */
import type { VariantOutcome } from './outcome.js';

/** Failing variants that failed the same way: the finding code and the first error line of the log, normalised. */
export interface FailureCause {
  key: string;
  code: string;
  line: string;
  hint: string;
  variants: string[];
  /** The log tail of the first variant that failed this way. */
  logTail: string[];
}

/** The causes, most variants first, and the key of each outcome's cause (same order as the outcomes). */
export interface GroupedCauses {
  causes: FailureCause[];
  causeOf: (string | undefined)[];
}

/** Groups failed variants by finding code and the normalised first error line of their log. */
export function groupCauses(outcomes: readonly VariantOutcome[]): GroupedCauses {
  const causes = new Map<string, FailureCause>();
  const causeOf: (string | undefined)[] = outcomes.map(() => undefined);
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status !== 'failed') continue;
    const first = outcome.findings.find((f) => f.severity === 'error');
    if (!first) continue;
    const fromLog = ['exit-nonzero', 'needs-root', 'needs-network', 'module-hung'].includes(first.code);
    const line = normaliseLine((fromLog ? firstErrorLine(outcome.smoke?.logTail ?? []) : undefined) ?? first.message);
    const key = `${first.code}: ${line}`;
    causeOf[i] = key;
    const cause = causes.get(key) ?? {
      key,
      code: first.code,
      line,
      hint: first.hint,
      variants: [],
      logTail: outcome.smoke?.logTail ?? [],
    };
    cause.variants.push(outcome.name);
    causes.set(key, cause);
  }
  return { causes: [...causes.values()].sort((a, b) => b.variants.length - a.variants.length), causeOf };
}

/**
 * The line of a log that says what went wrong: an exception line ("KeyError: ...", "pydicom.errors.
 * InvalidDicomError: ..."), else the first line with error/fatal/panic/failed, else the last line.
 */
export function firstErrorLine(log: readonly string[]): string | undefined {
  const lines = log.map((l) => l.replace(/^\S+Z /, '').trim()).filter((l) => l.length > 0);
  return (
    lines.find((l) => /^([A-Za-z_][\w]*\.)*[A-Za-z_]\w*(Error|Exception|Exit|Interrupt)(: |$)/.test(l)) ??
    lines.find(
      (l) => /\b(error|fatal|panic|failed|exception)\b/i.test(l) && !/^Traceback \(most recent call last\)/.test(l),
    ) ??
    lines.at(-1)
  );
}

/** A log or finding line with what differs between variants (UIDs, paths, numbers) replaced, so equal causes compare equal. */
export function normaliseLine(line: string): string {
  return line
    .replace(/\b\d+(\.\d+){3,}\b/g, '<uid>')
    .replace(/(\/[^\s'"/:,)]+){2,}/g, '<path>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .slice(0, 200);
}
