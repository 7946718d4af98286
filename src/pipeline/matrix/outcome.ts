import type { Finding } from '../../contract/finding.js';
import type { VariantInfo } from '../../mercure/variants/index.js';

/** One variant's outcome: passed, failed (with its findings, log tail and cause) or skipped (with the reason). */
export interface VariantOutcome extends VariantInfo {
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  findings: Finding[];
  /** The key of its cause in MatrixReport.causes (failed only). */
  cause?: string;
  smoke?: {
    exitCode: number | null;
    timedOut: boolean;
    durationMs: number;
    inputFiles: number;
    outputFiles: number;
    logTail: string[];
  };
}
