// The package as a new user gets it: `npm pack` (prepack builds build/), the tarball installed into
// an empty project, imported by name, its README library example and its `mercure-module` bin run.
// Needs the npm registry (or npm's cache) for the runtime dependencies; no Docker Engine.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_MODULE, REPO_ROOT } from '../support/images.js';

const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 * 1024 * 1024 });

/** The `<!-- runnable: library -->` js block of the README's "Use it as a library". */
async function libraryExample(): Promise<string> {
  const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const match = /<!-- runnable: library -->\n```js\n([\s\S]*?)\n```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no <!-- runnable: library --> js block');
  return match[1];
}

let project: string;
let packed: { files: { path: string }[]; filename: string };

beforeAll(async () => {
  project = await mkdtemp(path.join(os.tmpdir(), 'mmk-pack-'));
  const { stdout } = await npm(['pack', '--json', '--pack-destination', project], REPO_ROOT);
  // npm prints prepack's output before the JSON array.
  packed = (JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as (typeof packed)[])[0] as typeof packed;
  await writeFile(path.join(project, 'package.json'), '{ "name": "try-the-kit", "private": true, "type": "module" }\n');
  await npm(['install', '--prefer-offline', `./${packed.filename}`], project);
  await cp(EXAMPLE_MODULE, path.join(project, 'examples/blur'), { recursive: true });
}, 900_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships build/, the bin, the templates and LICENSE, and neither the Action nor the tests', () => {
    const files = packed.files.map((f) => f.path);
    for (const file of ['LICENSE', 'README.md', 'package.json', 'bin/mercure-module.js', 'build/index.js'])
      expect(files).toContain(file);
    expect(files).toContain('build/index.d.ts');
    expect(files.some((f) => f.startsWith('src/scaffold/templates/python/'))).toBe(true);
    expect(files.filter((f) => /^(test|dist|src\/(?!scaffold\/templates))|^build\/action\//.test(f))).toEqual([]);
  });

  it('installs without @actions/* (only the bundled Action needs them)', async () => {
    const scopes = await readdir(path.join(project, 'node_modules'));
    expect(scopes).toContain('mercure-module-kit');
    expect(scopes).not.toContain('@actions');
    const { stdout } = await run('du', ['-sm', 'node_modules'], { cwd: project });
    console.log(`installed size: ${stdout.trim()} (MB)`);
  });

  it('imports by name: planTags and check work on a fixture', async () => {
    const script = `
      import { check, planTags, FINDING_CATALOGUE, RegistryClient, ModuleError } from 'mercure-module-kit';
      const plan = planTags('1.3.0', ['1.2.0', '1', 'latest', '2.0.0']);
      const findings = await check('examples/blur');
      let refused;
      try { planTags('1.2', []); } catch (error) { refused = error instanceof ModuleError ? error.code : String(error); }
      console.log(JSON.stringify({
        tags: plan.tags.map((t) => t.tag),
        skipped: plan.skipped.map((s) => s.tag),
        errors: findings.filter((f) => f.severity === 'error').map((f) => f.code),
        codes: Object.keys(FINDING_CATALOGUE).length > 10,
        client: typeof RegistryClient,
        refused,
      }));`;
    await writeFile(path.join(project, 'use.mjs'), script);
    const { stdout } = await run('node', ['use.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      tags: ['1.3.0', '1.3', '1'],
      skipped: ['latest'],
      errors: [],
      codes: true,
      client: 'function',
      refused: 'version-invalid',
    });
  });

  it('imports by name: writeHtmlReport writes one self-contained page with the module text escaped', async () => {
    const script = `
      import { readFile } from 'node:fs/promises';
      import { writeHtmlReport } from 'mercure-module-kit';
      const report = {
        ok: false,
        dir: 'modules/blur',
        findings: [{ code: 'output-empty', severity: 'error', message: 'wrote <b>nothing</b>', hint: 'Write to $MERCURE_OUT_DIR.' }],
        counts: { errors: 1, warnings: 0 },
      };
      await writeHtmlReport('out/report.html', report);
      const html = await readFile('out/report.html', 'utf8');
      console.log(JSON.stringify({
        failed: html.includes('✗ failed'),
        escaped: html.includes('wrote &lt;b&gt;nothing&lt;/b&gt;'),
        external: /(src|href)="(?!data:)/.test(html),
      }));`;
    await writeFile(path.join(project, 'report.mjs'), script);
    const { stdout } = await run('node', ['report.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ failed: true, escaped: true, external: false });
  });

  it("runs the README's library example as written", async () => {
    await writeFile(path.join(project, 'readme-example.mjs'), await libraryExample());
    const { stdout } = await run('node', ['readme-example.mjs'], { cwd: project });
    expect(stdout).toContain('ready to validate');
    expect(stdout).toContain('1.3.0 1.3 1\n');
    expect(stdout).toMatch(/latest not moved: 2\.0\.0 is published and newer/);
  });

  it('runs its mercure-module bin', async () => {
    const bin = path.join(project, 'node_modules/.bin/mercure-module');
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await run(bin, ['--version'], { cwd: project })).stdout.trim()).toBe(pkg.version);
    const checked = await run(bin, ['check', 'examples/blur', '--json'], { cwd: project });
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, dir: 'examples/blur' });
  });
});
