import { FINDING_CATALOGUE } from '../contract/codes.js';
import type { Finding } from '../contract/finding.js';
import type { SmokeRun } from '../contract/smoke.js';
import type { MatrixReport } from '../pipeline/matrix.js';
import type { PromoteResult } from '../pipeline/promote.js';
import type { PublishResult } from '../pipeline/publish.js';
import type { ModuleStatus } from '../pipeline/status.js';
import type { ValidationReport } from '../pipeline/validate.js';
import type { Style } from './style.js';

/** The findings grouped by stage (repository, then image), each with where, what and what to do. */
export function renderFindings(findings: readonly Finding[], style: Style): string[] {
  const lines: string[] = [];
  for (const stage of ['static', 'smoke'] as const) {
    const group = findings.filter((f) => FINDING_CATALOGUE[f.code].stage === stage);
    if (group.length === 0) continue;
    lines.push(style.bold(stage === 'static' ? 'Repository' : 'Smoke run'));
    for (const f of group) {
      const label = f.severity === 'error' ? style.red('error  ') : style.yellow('warning');
      const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : '';
      lines.push(`  ${label} ${style.dim(f.code.padEnd(28))} ${where}${f.message}`);
      lines.push(`          ${style.dim(`→ ${f.hint}`)}`);
    }
  }
  return lines;
}

/** "12 DICOM file(s) in 1 series, result.json": what a smoke run wrote. */
export function outputsPhrase(smoke: Pick<SmokeRun, 'outputs'>): string {
  const dicom = smoke.outputs.filter((o) => o.kind === 'dicom');
  const series = new Set(dicom.map((o) => o.seriesInstanceUid));
  return `${dicom.length} DICOM file(s) in ${series.size} series${smoke.outputs.some((o) => o.kind === 'result.json') ? ', result.json' : ''}`;
}

/** A container log line with the engine's timestamp shortened to the time of day. */
export function logLine(line: string): string {
  return line.replace(/^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d\.\d{3})\d*Z /, '$1 ');
}

/** The human report of `validate`: findings, the smoke run, the log tail on failure, the verdict. */
export function renderValidation(report: ValidationReport, style: Style): string {
  const lines = renderFindings(report.findings, style);
  const smoke = report.smoke;
  if (report.smokeSkipped !== undefined)
    lines.push(style.yellow(`Smoke run of ${report.platform ?? 'this platform'} skipped: ${report.smokeSkipped}`));
  if (smoke && report.smokeSkipped === undefined) {
    if (lines.length > 0) lines.push('');
    const took = `${(smoke.durationMs / 1000).toFixed(1)} s`;
    const exit = smoke.timedOut ? 'killed after the timeout' : `exit ${smoke.exitCode ?? '-'}`;
    lines.push(`${style.bold('Smoke run')} ${smoke.image}: ${smoke.inputFiles} input file(s), ${exit}, ${took}`);
    if (smoke.monaiPackage)
      lines.push('  MONAI application package: run as root with its manifest command, as mercure does');
    if (smoke.outputs.length > 0) lines.push(`  output: ${outputsPhrase(smoke)}`);
    if (!report.ok && smoke.logTail.length > 0) {
      lines.push(style.dim('  log tail:'));
      for (const line of smoke.logTail) lines.push(style.dim(`  | ${logLine(line)}`));
    }
  }
  if (report.build && !report.build.imageId && report.build.logTail.length > 0) {
    lines.push(style.dim('  build log tail:'));
    for (const line of report.build.logTail) lines.push(style.dim(`  | ${line}`));
  }
  lines.push('');
  const counts = `${report.counts.errors} error(s), ${report.counts.warnings} warning(s)`;
  lines.push(
    report.ok
      ? style.green(`✓ passed (${counts})${report.image ? `: ${report.image.id}` : ''}`)
      : style.red(`✗ failed (${counts})`),
  );
  return lines.join('\n');
}

/** The human report of `publish`: the plan (dry run) or the tags read back, and what was not moved. */
export function renderPublish(result: PublishResult, style: Style): string {
  const lines: string[] = [];
  if (result.skipValidate)
    lines.push(
      style.yellow(
        result.dryRun
          ? 'would publish WITHOUT validation (--skip-validate); nothing was published (dry run)'
          : 'published WITHOUT validation (--skip-validate)',
      ),
    );
  if (result.dryRun) {
    lines.push(style.bold(`Dry run: ${result.image} ${result.version} would get`));
    for (const t of result.plan.tags) lines.push(`  ${t.tag.padEnd(24)} ${style.dim(t.reason)}`);
  } else {
    lines.push(
      style.bold(
        `${result.image} ${result.version}${result.alreadyPublished ? ' (already published: no upload)' : ''}`,
      ),
    );
    lines.push(`  digest ${result.digest ?? '-'}${result.platforms ? ' (OCI image index)' : ''}`);
    for (const p of result.platforms ?? [])
      lines.push(`  ${style.dim('·')} ${p.platform.padEnd(22)} ${style.dim(p.digest)}`);
    for (const t of result.tags) lines.push(`  ${style.green('✓')} ${t.tag.padEnd(22)} ${style.dim(t.reason)}`);
  }
  for (const s of result.skipped) lines.push(`  ${style.dim('–')} ${s.tag.padEnd(22)} ${style.dim(s.reason)}`);
  return lines.join('\n');
}

/** The human report of `promote`: the pinned source, the digest at the destination, the tags. */
export function renderPromote(result: PromoteResult, style: Style): string {
  const lines: string[] = [];
  if (result.skipValidate) lines.push(style.yellow('promoted WITHOUT re-validation (--skip-validate)'));
  const what = result.dryRun ? 'Dry run: would promote' : 'Promoted';
  lines.push(style.bold(`${what} ${result.source} -> ${result.image} ${result.version}`));
  lines.push(`  digest ${result.digest} (unchanged)`);
  if (!result.dryRun) {
    lines.push(
      style.dim(
        `  blobs: ${result.blobs.mounted} mounted, ${result.blobs.uploaded} uploaded, ${result.blobs.skipped} already there`,
      ),
    );
    for (const t of result.tags) lines.push(`  ${style.green('✓')} ${t.tag.padEnd(22)} ${style.dim(t.reason)}`);
  } else {
    for (const t of result.plan.tags) lines.push(`  ${t.tag.padEnd(24)} ${style.dim(t.reason)}`);
  }
  for (const s of result.skipped) lines.push(`  ${style.dim('–')} ${s.tag.padEnd(22)} ${style.dim(s.reason)}`);
  return lines.join('\n');
}

/** The human report of `status`: what the next hourly pull of a docker_tag brings. */
export function renderStatus(status: ModuleStatus, style: Style): string {
  const lines = [style.bold(status.image)];
  lines.push(`  follows   ${status.follows}${status.follows === 'floating' ? ' (moves with new releases)' : ''}`);
  lines.push(`  digest    ${status.digest}`);
  lines.push(`  platforms ${status.platforms.join(', ')}`);
  lines.push(`  version   ${status.version ?? style.dim('(no org.opencontainers.image.version label)')}`);
  if (status.revision) lines.push(`  revision  ${status.revision}`);
  if (status.created) lines.push(`  created   ${status.created}`);
  if (status.installed !== undefined) {
    lines.push(
      status.updateAvailable
        ? style.yellow(`  update available: the next pull replaces ${status.installed}`)
        : style.green('  up to date: the next pull brings the installed image'),
    );
  }
  return lines.join('\n');
}

/** The human report of `validate --matrix`: repository findings, a line per variant, the failures by cause with a log tail, the verdict. */
export function renderMatrix(report: MatrixReport, style: Style): string {
  const lines = renderFindings(report.findings, style);
  if (report.build && !report.build.imageId && report.build.logTail.length > 0) {
    lines.push(style.dim('  build log tail:'), ...report.build.logTail.map((line) => style.dim(`  | ${line}`)));
  }
  if (lines.length > 0) lines.push('');
  const image = report.image
    ? ` of ${report.image.ref === report.image.id ? report.image.id.slice(0, 19) : report.image.ref}`
    : '';
  lines.push(style.bold(`Matrix ${report.tier}${image}: ${report.variants.length} variant(s)`));
  const width = Math.max(10, ...report.variants.map((v) => v.name.length));
  const causeNumber = new Map(report.causes.map((c, i) => [c.key, i + 1]));
  for (const v of report.variants) {
    const head = `${v.name.padEnd(width)} ${style.dim(`${v.source.padEnd(9)} ${v.level.padEnd(6)}`)}`;
    const took = v.smoke ? `${(v.smoke.durationMs / 1000).toFixed(1).padStart(5)} s` : '';
    if (v.status === 'passed')
      lines.push(
        `  ${style.green('✓')} ${head} ${took}  ${v.smoke?.inputFiles ?? 0} file(s) in, ${v.smoke?.outputFiles ?? 0} DICOM out`,
      );
    else if (v.status === 'failed')
      lines.push(
        `  ${style.red('✗')} ${head} ${took}  ${style.red(`cause ${v.cause ? causeNumber.get(v.cause) : '?'}`)}: ${v.findings.find((f) => f.severity === 'error')?.message ?? ''}`,
      );
    else lines.push(`  ${style.dim('–')} ${head} ${style.dim(`skipped: ${v.reason ?? ''}`)}`);
  }
  if (report.causes.length > 0) {
    lines.push('', style.bold(`Failures by cause (${report.causes.length})`));
    report.causes.forEach((cause, i) => {
      lines.push(`  ${i + 1}. ${style.red(cause.code)}  ${cause.line}`);
      lines.push(`     variants: ${cause.variants.join(', ')}`);
      lines.push(`     ${style.dim(`→ ${cause.hint}`)}`);
      if (cause.logTail.length > 0)
        lines.push(
          style.dim(`     log tail of ${cause.variants[0]}:`),
          ...cause.logTail.slice(-15).map((l) => style.dim(`     | ${logLine(l)}`)),
        );
    });
    const builtin = report.variants.find((v) => v.status === 'failed' && v.source !== 'user' && v.name !== 'baseline');
    if (builtin)
      lines.push('', style.dim(`  Reproduce by hand: mercure-module fixtures ./case --variant ${builtin.name}`));
  }
  lines.push('');
  const { passed, failed, skipped } = report.counts;
  const repo = report.findings.filter((f) => f.severity === 'error').length;
  const skippedText = skipped > 0 ? `, ${skipped} skipped` : '';
  if (report.ok)
    lines.push(
      style.green(`✓ passed: ${passed} variant(s) passed${skippedText}${report.image ? `: ${report.image.id}` : ''}`),
    );
  else
    lines.push(
      style.red(
        `✗ failed: ${failed} of ${report.variants.length} variant(s) failed (${report.causes.length} cause(s))${skippedText}${repo > 0 ? `, ${repo} repository error(s)` : ''}${report.interrupted ? ', interrupted' : ''}`,
      ),
    );
  lines.push(
    style.dim(
      `  ${(report.timing.wallMs / 1000).toFixed(1)} s in all, ${(report.timing.containerMs / 1000).toFixed(1)} s in the module's containers`,
    ),
  );
  return lines.join('\n');
}
