/** The HTML report of `validate --report FILE.html`: previews, the page, and writing it. */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import type { ValidationReport } from '../../pipeline/validate.js';
import { KIT_VERSION } from '../../version.js';
import { renderReportPage } from './page.js';

export { escapeHtml } from './escape.js';
export { renderReportPage, type PageExtras } from './page.js';

/** Refuses, before anything runs, a report path that cannot be a file (a folder, or under a file). */
export async function checkReportPath(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory())
    throw new ModuleError('bad-report-path', `--report ${file} is a folder: give a file name such as report.html`);
  const parent = await stat(path.dirname(path.resolve(file))).catch(() => undefined);
  if (parent && !parent.isDirectory())
    throw new ModuleError('bad-report-path', `--report ${file}: ${path.dirname(file)} is not a folder`);
}

/** Writes the page (run validate with `previews: true` for its pictures) whole or not at all (a temporary file renamed into place); its parent folders are created. */
export async function writeHtmlReport(file: string, report: ValidationReport, now: Date = new Date()): Promise<void> {
  const html = renderReportPage(report, { generatedAt: now, kitVersion: KIT_VERSION });
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    await writeFile(partial, html);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw new ModuleError(
      'report-not-written',
      `the HTML report ${file} could not be written: ${(error as Error).message}`,
      {
        kind: 'environment',
      },
    );
  }
}
