import * as core from '@actions/core';
import type { Finding } from '../contract/finding.js';
import type { SmokeRun } from '../contract/smoke.js';
import type { ModuleStatus } from '../pipeline/status.js';
import type { ValidationReport } from '../pipeline/validate.js';
import type { ActionOutcome } from './outcome.js';
import type { ActionCommand } from './inputs.js';

/** Text made safe for the summary's HTML (module logs and messages are not trusted markup). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The findings as table rows: severity, code, where, what, and what to do. */
export function findingRows(findings: readonly Finding[]): string[][] {
  return findings.map((f) => [
    f.severity === 'error' ? '❌ error' : '⚠️ warning',
    `<code>${escapeHtml(f.code)}</code>`,
    f.file ? `<code>${escapeHtml(`${f.file}${f.line ? `:${f.line}` : ''}`)}</code>` : '',
    escapeHtml(f.message),
    escapeHtml(f.hint),
  ]);
}

/** What the module wrote, in one phrase: `12 DICOM file(s) in 1 series, result.json`. */
export function describeOutputs(smoke: SmokeRun): string {
  const dicom = smoke.outputs.filter((o) => o.kind === 'dicom');
  const parts = [`${dicom.length} DICOM file(s) in ${new Set(dicom.map((o) => o.seriesInstanceUid)).size} series`];
  if (smoke.outputs.some((o) => o.kind === 'result.json')) parts.push('result.json');
  const other = smoke.outputs.filter((o) => o.kind === 'other').length;
  if (other > 0) parts.push(`${other} other file(s)`);
  return smoke.outputs.length === 0 ? 'nothing' : parts.join(', ');
}

function heading(outcome: ActionOutcome): string {
  const what = outcome.subject.trim();
  return `${outcome.ok ? '✅' : '❌'} mercure module ${outcome.command}${outcome.dryRun ? ' (dry run)' : ''}${what ? `: ${escapeHtml(what)}` : ''}`;
}

/** A log line with the engine's timestamp cut to the time of day, as the CLI shows it. */
export function timeOfDay(line: string): string {
  return line.replace(/^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d\.\d{3})\d*Z /, '$1 ');
}

function addValidation(summary: typeof core.summary, report: ValidationReport): void {
  const counts = `${report.counts.errors} error(s), ${report.counts.warnings} warning(s)`;
  summary.addHeading('Findings', 3);
  if (report.findings.length === 0) summary.addRaw(`<p>None: ${counts}.</p>`, true);
  else {
    const header = ['Severity', 'Code', 'Where', 'Finding', 'What to do'].map((data) => ({ data, header: true }));
    summary.addTable([header, ...findingRows(report.findings)]);
  }
  const smoke = report.smoke;
  if (smoke) {
    summary.addHeading('Smoke run', 3);
    const exit = smoke.timedOut
      ? 'killed after the timeout'
      : smoke.interrupted
        ? 'interrupted'
        : `${smoke.exitCode ?? '-'}`;
    summary.addTable([
      ['Image', 'Input files', 'Exit code', 'Duration', 'Output'].map((data) => ({ data, header: true })),
      [
        `<code>${escapeHtml(smoke.image)}</code>`,
        `${smoke.inputFiles}`,
        exit,
        `${(smoke.durationMs / 1000).toFixed(1)} s`,
        escapeHtml(describeOutputs(smoke)),
      ],
    ]);
    if (smoke.monaiPackage)
      summary.addRaw('<p>MONAI application package: run as root with its manifest command, as mercure does.</p>', true);
    if (!report.ok && smoke.logTail.length > 0)
      addLog(summary, 'Module log (last lines)', smoke.logTail.map(timeOfDay));
  }
  if (report.build && !report.build.imageId && report.build.logTail.length > 0)
    addLog(summary, 'Build log (last lines)', report.build.logTail);
}

/** The run's page, where uploaded artifacts are listed (the runner sets these three on every job). */
export function artifactsUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  return server && repository && run ? `${server}/${repository}/actions/runs/${run}#artifacts` : undefined;
}

/** Where the HTML report is, and how to attach it to the run (a job summary cannot embed files). */
function addReportFile(summary: typeof core.summary, file: string): void {
  const url = artifactsUrl();
  const where = url ? `<a href="${escapeHtml(url)}">this run's artifacts</a>` : "this run's artifacts";
  summary.addRaw(
    `<p>📄 HTML report (verdict, container, log, each output series beside its input): <code>${escapeHtml(file)}</code>. ` +
      'Upload it with <code>actions/upload-artifact</code> and <code>path: ${{ steps.&lt;this step&gt;.outputs.report-file }}</code> ' +
      `to open it from ${where}.</p>`,
    true,
  );
}

function addLog(summary: typeof core.summary, title: string, lines: readonly string[]): void {
  summary.addRaw(
    `<details open><summary>${escapeHtml(title)}</summary>\n<pre><code>${escapeHtml(lines.join('\n'))}</code></pre></details>`,
    true,
  );
}

function addStatus(summary: typeof core.summary, found: ModuleStatus): void {
  const code = (value: string | undefined) => (value ? `<code>${escapeHtml(value)}</code>` : '-');
  summary.addTable([
    ['Reference', 'Follows', 'Digest', 'Version', 'Revision', 'Created'].map((data) => ({ data, header: true })),
    [
      code(found.image),
      found.follows,
      code(found.digest),
      escapeHtml(found.version ?? '-'),
      code(found.revision),
      escapeHtml(found.created ?? '-'),
    ],
  ]);
}

function addTags(summary: typeof core.summary, outcome: ActionOutcome): void {
  if (outcome.status) return addStatus(summary, outcome.status);
  if (outcome.tags.length === 0 && outcome.skipped.length === 0) return;
  summary.addHeading(outcome.dryRun ? 'Tags it would set' : 'Tags', 3);
  const header = ['Tag', outcome.dryRun ? 'Digest' : 'Digest (read back)', 'Why'].map((data) => ({
    data,
    header: true,
  }));
  const rows = outcome.tags.map((t) => [
    `<code>${escapeHtml(`${outcome.image}:${t.tag}`)}</code>`,
    t.digest ? `<code>${escapeHtml(t.digest)}</code>` : '-',
    escapeHtml(t.reason),
  ]);
  if (rows.length > 0) summary.addTable([header, ...rows]);
  if (outcome.skipped.length > 0) summary.addList(outcome.skipped.map((s) => escapeHtml(s.reason))); // reasons read '<tag> not moved: <why>'
}

/** Whether this run has a job summary to write to (a runner sets GITHUB_STEP_SUMMARY). */
function hasSummary(): boolean {
  return Boolean(process.env['GITHUB_STEP_SUMMARY']);
}

/** The job summary of a finished command: findings, the smoke run, and the tags with their digests. */
export async function writeSummary(outcome: ActionOutcome): Promise<void> {
  if (!hasSummary()) return;
  const summary = core.summary.addHeading(heading(outcome), 2);
  if (outcome.note) summary.addRaw(`<p>${outcome.note}</p>`, true);
  if (outcome.failure) summary.addRaw(`<p><strong>${escapeHtml(outcome.failure)}</strong></p>`, true);
  if (outcome.validation) addValidation(summary, outcome.validation);
  if (outcome.reportFile) addReportFile(summary, outcome.reportFile);
  addTags(summary, outcome);
  await summary.write();
}

/** The job summary of a command that stopped with an error: what went wrong and what to do. */
export async function writeErrorSummary(
  command: ActionCommand | undefined,
  error: { message: string; hint: string | undefined },
): Promise<void> {
  if (!hasSummary()) return;
  const summary = core.summary.addHeading(`❌ mercure module${command ? ` ${command}` : ''}`, 2);
  summary.addRaw(`<p><strong>${escapeHtml(error.message)}</strong></p>`, true);
  if (error.hint) summary.addRaw(`<p>${escapeHtml(error.hint)}</p>`, true);
  await summary.write();
}
