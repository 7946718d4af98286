// The README as a newcomer reads it: its runnable command blocks really run (real engine, CLI from
// src/, a temp folder), its quick start is the two commands CI relies on, and every option of every
// command and every input and output of the Action is documented.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { REPO_ROOT } from '../support/images.js';
import { writeCliShim } from './cli-shim.js';

const README = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
const run = promisify(execFile);

/** The marker: a line `<!-- runnable -->` right before a ```sh fence marks that block as runnable. */
export const RUNNABLE_MARKER = '<!-- runnable -->';

/** The runnable blocks of a Markdown text, each with the line its fence starts on. */
export function runnableBlocks(markdown: string): { line: number; script: string }[] {
  const lines = markdown.split('\n');
  const blocks: { line: number; script: string }[] = [];
  lines.forEach((text, index) => {
    if (text.trim() !== RUNNABLE_MARKER) return;
    if (lines[index + 1] !== '```sh')
      throw new Error(`README.md:${index + 1}: ${RUNNABLE_MARKER} must be followed by a \`\`\`sh fence`);
    const end = lines.indexOf('```', index + 2);
    if (end < 0) throw new Error(`README.md:${index + 2}: unclosed runnable block`);
    blocks.push({ line: index + 2, script: lines.slice(index + 2, end).join('\n') });
  });
  return blocks;
}

/** The part of the README under a `## heading`, up to the next `## `. */
function chapter(heading: string): string {
  const text = README.split(new RegExp(`^## ${heading}$`, 'm'))[1]?.split(/^## /m)[0];
  if (text === undefined) throw new Error(`README.md has no "## ${heading}"`);
  return text;
}

/**
 * New entries at the top of the repository: what a block run in the wrong folder would leave. The
 * blocks work on a copy of examples/ in a temp folder; the rest of the tree is not compared, since
 * other work may change it while the suite runs. Containers and our temp folders are checked by the
 * suite's global teardown.
 */
async function repositoryTraces(): Promise<string[]> {
  const { stdout } = await run('git', ['ls-files', '--others', '--exclude-standard', '--directory'], {
    cwd: REPO_ROOT,
  });
  return stdout.split('\n').filter((p) => p !== '' && !p.replace(/\/$/, '').includes('/'));
}

describe('README runnable blocks', () => {
  const blocks = runnableBlocks(README);

  it('has runnable blocks for init, check, validate and fixtures', () => {
    const all = blocks.map((b) => b.script).join('\n');
    for (const command of ['init', 'check', 'validate', 'fixtures'])
      expect(all).toMatch(new RegExp(`^mercure-module ${command} `, 'm'));
  });

  it.each(blocks.map((b) => [`README.md:${b.line}`, b.script] as const))(
    '%s runs, exits 0 and leaves nothing behind',
    async (_where, script) => {
      const before = await repositoryTraces();
      const dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-readme-'));
      try {
        // The blocks are written for the repository root: they see the example module there.
        await cp(path.join(REPO_ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
        const bin = await writeCliShim(path.join(dir, '.shim'));
        const env = {
          ...process.env,
          PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`,
          MERCURE_MODULE_STATE_DIR: path.join(dir, '.state'),
          NO_COLOR: '1',
        };
        const result: { code?: number; stdout?: string; stderr?: string } = await run(
          'bash',
          ['-euo', 'pipefail', '-c', script],
          { cwd: dir, env, timeout: 300_000 },
        ).catch((error: { code?: number; stdout?: string; stderr?: string }) => error);
        expect(result.code ?? 0, `${script}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      expect(await repositoryTraces(), 'the block changed files in the repository').toEqual(before);
      expect((await readdir(os.tmpdir())).filter((name) => name === path.basename(dir))).toEqual([]);
    },
  );
});

describe('README content', () => {
  it('keeps the quick start to exactly `npm run demo` and `npm test` (CI runs npm test)', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(chapter('Quick start'))?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm run demo', 'npm test']);
  });

  it('documents every option of every command in the Commands chapter', async () => {
    const root = await runCli(['--help']);
    const commands = [...root.stdout.matchAll(/^ {2}([a-z][a-z-]+) /gm)]
      .map((m) => m[1] ?? '')
      .filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThanOrEqual(10);
    const documented = chapter('Commands');
    for (const command of commands) {
      expect(documented, command).toContain(`### \`mercure-module ${command}`);
      // The Options: list only (the examples below it name docker's flags too).
      const options = (await runCli([command, '--help'])).stdout.split(/^Options:$/m)[1]?.split(/\n\n/)[0] ?? '';
      const flags = new Set([...options.matchAll(/^ {2}(?:-[a-zA-Z], )?(--[a-z][a-z-]*)/gm)].map((m) => m[1] ?? ''));
      expect(flags.size, command).toBeGreaterThan(1);
      flags.delete('--help');
      for (const flag of flags) expect(documented, `${command} ${flag}`).toMatch(new RegExp(`[\`\\s]${flag}[\` ]`));
    }
  });

  it('documents every input and output of the Action (action.yml)', async () => {
    const action = await readFile(path.join(REPO_ROOT, 'action.yml'), 'utf8');
    const section = (name: string) => action.split(new RegExp(`^${name}:$`, 'm'))[1]?.split(/^\S/m)[0] ?? '';
    const names = (text: string) => [...text.matchAll(/^ {2}([a-z][a-z-]*):/gm)].map((m) => m[1] ?? '');
    const documented = chapter('GitHub Action');
    const inputs = names(section('inputs'));
    const outputs = names(section('outputs'));
    expect(inputs.length).toBeGreaterThan(10);
    expect(outputs.length).toBeGreaterThan(3);
    for (const name of [...inputs, ...outputs]) expect(documented, name).toContain(`\`${name}\``);
  });
});
