import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate, type ValidationReport } from '../../src/pipeline/validate.js';
import { writeHtmlReport } from '../../src/report/html/index.js';
import { baseArgs, FIXTURE_MODULES } from '../support/images.js';

// The page as a person opens it: Debian's headless Chromium (driven by playwright-core) loads the
// report from a loopback server; every picture must decode and nothing may leave the page.
/** Debian's chromium (scripts/setup.sh installs it); playwright's own browser downloads are not used. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
let browser: Browser;
let work: string;
let server: Server;
let base: string;
/** Every request the loopback server answered. */
const served: string[] = [];
let report: ValidationReport;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-report-'));
  server = createServer((request, response) => {
    served.push(request.url ?? '');
    readFile(path.join(work, path.basename(request.url ?? '')))
      .then((body) => {
        response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        response.end(body);
      })
      .catch(() => {
        response.writeHead(404);
        response.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // playwright's launch() gives the browser a fresh temporary --user-data-dir of its own.
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`bash scripts/setup.sh\` (Debian's chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  report = await validate({
    dir: path.join(FIXTURE_MODULES, 'report-hostile'),
    buildArgs: baseArgs('python'),
    previews: true,
    recordTo: false,
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (work) await rm(work, { recursive: true, force: true });
});

interface Shown {
  title: string;
  images: { complete: boolean; naturalWidth: number; src: string }[];
  placeholders: string[];
  scripts: number;
  log: string;
  text: string;
}

/** Opens a report file in a fresh page; returns what it showed and every request the page made. */
async function open(file: string) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${base}/${file}`, { waitUntil: 'load' });
  // Evaluated in the page (a string: this project compiles without the DOM's types).
  const shown = await page.evaluate<Shown>(`({
    title: document.title,
    images: [...document.querySelectorAll('img')].map((img) => ({
      complete: img.complete,
      naturalWidth: img.naturalWidth,
      src: img.src.slice(0, 22),
    })),
    placeholders: [...document.querySelectorAll('.placeholder')].map((p) => p.textContent ?? ''),
    scripts: document.querySelectorAll('script').length,
    log: document.querySelector('#log')?.textContent ?? '',
    text: document.body.innerText,
  })`);
  await context.close();
  return { ...shown, requests, dialogs };
}

describe('the HTML report in Chromium', () => {
  it('shows every output series beside its input, each picture decoded, with no request leaving the page', async () => {
    expect(report.previews?.length).toBe(1);
    await writeHtmlReport(path.join(work, 'hostile.html'), report);
    const mark = served.length;
    const page = await open('hostile.html');
    expect(page.images).toHaveLength(2);
    for (const image of page.images) {
      expect(image.src).toBe('data:image/png;base64,');
      expect(image.complete).toBe(true);
      expect(image.naturalWidth).toBeGreaterThan(0);
    }
    // The document itself is the only request (data: URIs are not fetched from anywhere).
    expect(page.requests.filter((url) => !url.startsWith('data:'))).toEqual([`${base}/hostile.html`]);
    expect(served.slice(mark)).toEqual(['/hostile.html']);
    expect(page.text).toContain('Container configuration (as mercure would start it)');
    expect(page.text).toContain('MERCURE_IN_DIR=/tmp/data');
  });

  it("shows the module's markup as text and runs none of it", async () => {
    const page = await open('hostile.html');
    expect(page.title).not.toBe('pwned');
    expect(page.dialogs).toEqual([]);
    expect(page.scripts).toBe(0);
    expect(page.log).toContain("<script>document.title='pwned'</script>");
    expect(page.log).toContain(
      'colour \\u001b[31mred\\u001b[0m, a NUL \\u0000, and a right-to-left override \\u202e here',
    );
    expect(page.text).toContain('<b onmouseover=alert(1)>x</b>'); // the SeriesDescription, as text
    expect(page.text).toContain('#<img src=x onerror=alert(1)>'); // the output file name, as text
    const html = await readFile(path.join(work, 'hostile.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img src=x|<b onmouseover/);
    for (const hidden of ['\u001b', '\u0000', '\u202e']) expect(html.includes(hidden)).toBe(false);
  });

  it('draws a placeholder saying why where the pixel data cannot be decoded', async () => {
    const [first] = report.previews ?? [];
    if (!first) throw new Error('no preview to change');
    const compressed: ValidationReport = { ...report };
    Object.defineProperty(compressed, 'previews', {
      value: [
        {
          ...first,
          output: {
            ...first.output,
            slice: {
              ...first.output.slice,
              drawn: { unavailable: 'pixel data in JPEG Baseline (1.2.840.10008.1.2.4.50)' },
            },
          },
        },
      ],
    });
    await writeHtmlReport(path.join(work, 'compressed.html'), compressed);
    const page = await open('compressed.html');
    expect(page.images.map((i) => i.naturalWidth > 0)).toEqual([true]);
    expect(page.placeholders).toEqual(['No preview: pixel data in JPEG Baseline (1.2.840.10008.1.2.4.50)']);
  });
});
