import type { Logger } from '../logger.js';
import type { ValidationReport } from '../pipeline/validate.js';
import { checkReportPath, writeHtmlReport } from '../report/html/index.js';

/** `--report FILE.html`: checked before anything runs, written after the validation. */
export const reportFile = {
  check: (file: string | undefined) => (file === undefined ? Promise.resolve() : checkReportPath(file)),
  async write(file: string | undefined, report: ValidationReport, logger: Logger): Promise<void> {
    if (file === undefined) return;
    await writeHtmlReport(file, report);
    logger.info(`HTML report written to ${file}`);
  },
};
