// Integers past 2^53 in settings (issue 16), end to end through the CLI and a real smoke run:
// --settings and the module configuration's settings reach the module's task.json digit for digit
// (mercure's Python reads them as those ints, and its json.dumps of what it read is task.json's
// bytes), a prepared case's own task.json keeps its big integers when --settings is merged in, and
// the JSON and HTML reports show the settings exactly. Before: 1.2345678901234568e+29.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { BASE_IMAGES, FIXTURE_MODULES } from '../support/images.js';

const MODULE = path.join(FIXTURE_MODULES, 'settings-exact');
const BUILD = ['--build-arg', `BASE_IMAGE=${BASE_IMAGES.python}`];
const SETTINGS = '{"seed": 123456789012345678901234567890, "low": -9223372036854775809, "x": 0.1}';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mmk-exact-settings-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface JsonReport {
  ok: boolean;
  smoke?: { logTail: string[]; processSettings?: string };
}

describe('integers past 2^53 in settings, through a real smoke run', () => {
  it('reach the module from --settings and the module configuration, and show in both reports', async () => {
    const html = path.join(work, 'report.html');
    const args = ['validate', MODULE, ...BUILD, '--module-config', path.join(MODULE, 'module-config.json')];
    const result = await runCli([...args, '--settings', SETTINGS, '--json', '--report', html]);
    expect(result.stderr).not.toMatch(/TypeError|at .*\.ts:\d+/);
    const report = JSON.parse(result.stdout) as JsonReport;
    const log = report.smoke?.logTail.join('\n') ?? '';
    expect(log).toContain(
      "settings {'base': 18446744073709551616, 'scale': 0.1, 'seed': 123456789012345678901234567890, 'low': -9223372036854775809, 'x': 0.1}",
    );
    expect(log).toContain("module settings {'base': 18446744073709551616, 'scale': 0.1}");
    expect(log).toContain('task.json as Python writes it: True');
    expect(result.code).toBe(0);
    expect(report.ok).toBe(true);
    // The JSON report keeps them as task.json holds them: text, so no JSON reader can round them.
    const exact =
      '{"base": 18446744073709551616, "scale": 0.1, "seed": 123456789012345678901234567890, "low": -9223372036854775809, "x": 0.1}';
    expect(report.smoke?.processSettings).toBe(exact);
    expect(await readFile(html, 'utf8')).toContain(`<code>${exact.replaceAll('"', '&quot;')}</code>`);
  });

  it("keep a prepared case's own big integers when --settings is merged in", async () => {
    const folder = path.join(work, 'case');
    const made = await runCli(['fixtures', folder, '--settings', '{"own": 98765432109876543210987654321}']);
    expect(made.code).toBe(0);
    expect(await readFile(path.join(folder, 'task.json'), 'utf8')).toContain(
      '"settings": {"own": 98765432109876543210987654321}',
    );
    const result = await runCli(['validate', MODULE, ...BUILD, '--fixtures', folder, '--settings', SETTINGS, '--json']);
    const report = JSON.parse(result.stdout) as JsonReport;
    const log = report.smoke?.logTail.join('\n') ?? '';
    expect(log).toContain(
      "settings {'own': 98765432109876543210987654321, 'seed': 123456789012345678901234567890, 'low': -9223372036854775809, 'x': 0.1}",
    );
    expect(log).toContain('task.json as Python writes it: True');
    expect(result.code).toBe(0);
  });
});
