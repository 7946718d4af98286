/**
 * The HTML report of one validation: one self-contained page (styles inline, pictures as data:
 * URIs, a Content-Security-Policy that forbids every other load). Everything the module could
 * have written (log lines, file names, DICOM strings, messages quoting them) passes escapeHtml.
 */
import { FINDING_CATALOGUE } from '../../contract/codes.js';
import type { Finding } from '../../contract/finding.js';
import type { ValidationReport } from '../../pipeline/validate.js';
import { logLine } from '../render.js';
import { escapeHtml as e } from './escape.js';
import type { SeriesSummary, SlicePreview, SeriesPreview } from '../../pipeline/validation/previews.js';

/** What the page shows besides the report itself. */
export interface PageExtras {
  generatedAt: Date;
  kitVersion: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
.ok{color:#1a7f37}.bad{color:#cf222e}.warn{color:#9a6700}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
code,pre{font:12px/1.4 ui-monospace,monospace}pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
.pair{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}figure{margin:0;width:24rem;max-width:100%}
figure img{display:block;background:#000;width:24rem;max-width:100%;height:auto;image-rendering:pixelated}
figcaption code{word-break:break-all}
.placeholder{display:flex;align-items:center;justify-content:center;width:16rem;height:16rem;background:#eaeef2;color:#57606a;padding:1rem;text-align:center}
figcaption{font-size:12px;color:#57606a}`;

/** The whole page as a string. */
export function renderReportPage(report: ValidationReport, extras: PageExtras): string {
  const subject = report.image ? report.image.ref : (report.dir ?? '');
  const counts = `${report.counts.errors} error(s), ${report.counts.warnings} warning(s)`;
  const verdict = report.ok
    ? `<span class="ok">✓ passed</span> (${counts})`
    : `<span class="bad">✗ failed</span> (${counts})`;
  const parts = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${e(`mercure module validation: ${subject}`)}</title><style>${STYLE}</style></head><body>`,
    `<h1>mercure module validation: <code>${e(subject)}</code></h1>`,
    `<p id="verdict">${verdict}</p>`,
    findingsSection(report.findings),
    smokeSection(report),
    previewSection(report.previews, report.previewNote),
    logSection(report),
    `<p><small>mercure-module-kit ${e(extras.kitVersion)}, ${e(extras.generatedAt.toISOString())}</small></p>`,
    '</body></html>',
  ];
  return `${parts.filter(Boolean).join('\n')}\n`;
}

function findingsSection(findings: readonly Finding[]): string {
  if (findings.length === 0) return '<h2>Findings</h2><p>None.</p>';
  const rows = findings.map((f) => {
    const where = f.file ? `<code>${e(`${f.file}${f.line ? `:${f.line}` : ''}`)}</code>` : '';
    const severity = f.severity === 'error' ? '<span class="bad">error</span>' : '<span class="warn">warning</span>';
    const stage = FINDING_CATALOGUE[f.code].stage === 'static' ? 'repository' : 'smoke run';
    return `<tr><td>${severity}</td><td>${stage}</td><td><code>${e(f.code)}</code></td><td>${where}</td><td>${e(f.message)}</td><td>${e(f.hint)}</td></tr>`;
  });
  return `<h2>Findings</h2><table id="findings"><tr><th>Severity</th><th>Stage</th><th>Code</th><th>Where</th><th>Finding</th><th>What to do</th></tr>${rows.join('')}</table>`;
}

function smokeSection(report: ValidationReport): string {
  const smoke = report.smoke;
  if (!smoke) return '<h2>Smoke run</h2><p>The module was not run (see the findings).</p>';
  const exit = smoke.timedOut
    ? 'killed after the timeout'
    : smoke.interrupted
      ? 'interrupted'
      : `${smoke.exitCode ?? '-'}`;
  const dicom = smoke.outputs.filter((o) => o.kind === 'dicom').length;
  const rows: [string, string][] = [
    [
      'Image',
      `<code>${e(smoke.image)}</code>${report.image && !report.image.id.startsWith(smoke.image) ? ` <small>${e(report.image.id)}</small>` : ''}`,
    ],
    ['Exit code', e(exit)],
    ['Duration', `${(smoke.durationMs / 1000).toFixed(1)} s`],
    ['Input files', String(smoke.inputFiles)],
    // As task.json holds them, so an integer past 2^53 shows every digit the module read.
    ...(smoke.processSettings !== undefined
      ? [['Settings (task.json)', `<code>${e(smoke.processSettings)}</code>`] as [string, string]]
      : []),
    ['Output', `${dicom} DICOM file(s)${smoke.outputs.some((o) => o.kind === 'result.json') ? ', result.json' : ''}`],
  ];
  if (smoke.monaiPackage) rows.push(['MONAI package', 'run as root with its manifest command, as mercure does']);
  const table = rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('');
  return `<h2>Smoke run</h2><table>${table}</table>${containerSection(smoke.container)}`;
}

/** The container as it was started, field by field (host paths are the removed temporary case). */
function containerSection(invocation: object | undefined): string {
  if (!invocation) return '';
  const rows = Object.entries(invocation).map(([key, value]) => {
    const shown = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 1);
    return `<tr><th><code>${e(key)}</code></th><td><code>${e(shown)}</code></td></tr>`;
  });
  return `<h3>Container configuration (as mercure would start it)</h3><table id="container">${rows.join('')}</table>
<p><small>No entrypoint or cmd means the image's own ENTRYPOINT and CMD, as mercure runs them.</small></p>`;
}

function previewSection(previews: SeriesPreview[] = [], note: string | undefined): string {
  const head = '<h2>Output series beside their input</h2>';
  if (previews.length === 0) return `${head}<p>${e(note ?? 'The module wrote no DICOM series.')}</p>`;
  return head + previews.map(seriesBlock).join('\n');
}

function seriesBlock(preview: SeriesPreview): string {
  const figure = (label: string, series: SeriesSummary & { slice: SlicePreview }) => {
    const drawn = series.slice.drawn;
    const picture =
      'unavailable' in drawn
        ? `<div class="placeholder" role="img" aria-label="no preview">No preview: ${e(drawn.unavailable)}</div>`
        : `<img class="preview" src="${drawn.dataUri}" width="${drawn.width}" height="${drawn.height}" alt="${e(`${label} slice ${series.slice.index}`)}">`;
    const window =
      'unavailable' in drawn || !drawn.window
        ? ''
        : `; window ${round(drawn.window.center)}/${round(drawn.window.width)} from its ${drawn.window.from}`;
    return `<figure>${picture}<figcaption><strong>${label}</strong>: ${describe(series)}, slice ${series.slice.index} of ${series.slice.of}${window}<br><code>${e(series.slice.file)}</code></figcaption></figure>`;
  };
  const input = preview.input
    ? figure('Input', preview.input)
    : `<figure><div class="placeholder">${e(preview.matched)}</div></figure>`;
  return `<div class="pair">${input}${figure('Output', preview.output)}</div>${preview.input ? `<p><small>Input: ${e(preview.matched)}.</small></p>` : ''}`;
}

function describe(series: SeriesSummary): string {
  const what = [series.modality, series.seriesNumber && `series ${series.seriesNumber}`, series.seriesDescription]
    .filter(Boolean)
    .join(' ');
  return `${e(what || 'series')} <small>(${series.slices} slice(s), <code>${e(series.seriesInstanceUid)}</code>)</small>`;
}

const round = (n: number) => String(Math.round(n * 100) / 100);

function logSection(report: ValidationReport): string {
  const parts: string[] = [];
  const log = report.smoke?.logTail ?? [];
  if (log.length > 0)
    parts.push(`<h2>Module log (last lines)</h2><pre id="log">${e(log.map(logLine).join('\n'))}</pre>`);
  if (report.build && !report.build.imageId && report.build.logTail.length > 0)
    parts.push(`<h2>Build log (last lines)</h2><pre>${e(report.build.logTail.join('\n'))}</pre>`);
  return parts.join('\n');
}
