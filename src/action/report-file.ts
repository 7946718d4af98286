import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { ValidationReport } from '../pipeline/validate.js';
import { writeHtmlReport } from '../report/html/index.js';

/** Where the runner keeps a job's temporary files; the HTML report goes there, ready for upload. */
export function reportRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env['RUNNER_TEMP'] || undefined;
}

/**
 * Writes the validation's HTML page into a folder of its own under RUNNER_TEMP (two steps of one
 * job never overwrite each other's) and returns its path, for the `report-file` output.
 */
export async function writeActionReport(report: ValidationReport, root: string): Promise<string> {
  const dir = await mkdtemp(path.join(root, 'mercure-module-report-'));
  const file = path.join(dir, 'report.html');
  await writeHtmlReport(file, report);
  return file;
}
