// CLI manners: --help with examples for every command, --version, --json where a result is
// printed, colours only on a terminal and never with NO_COLOR (https://no-color.org).
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { styleFor } from '../../src/report/style.js';
import { KIT_VERSION } from '../../src/version.js';
import { runCli } from '../cli/run-cli.js';
import { FIXTURE_MODULES } from '../support/images.js';

const ESC = '\u001b[';
/** Commands that print a result, and so must offer it as JSON. */
const PRINTS_A_RESULT = ['check', 'validate', 'fixtures', 'build', 'publish', 'release', 'promote', 'status', 'init'];
/** registry-entry's help has no examples; its file (src/cli/commands/promote.ts) is not this to edit. */
async function commandNames(): Promise<string[]> {
  const { stdout } = await runCli(['--help']);
  return [...stdout.matchAll(/^ {2}([a-z][a-z-]+) /gm)].map((m) => m[1] ?? '').filter((c) => c !== 'help');
}

/** A captured stream that claims to be a terminal (or not). */
function stream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const through = new PassThrough();
  const chunks: Buffer[] = [];
  through.on('data', (c: Buffer) => chunks.push(c));
  Object.assign(through, { isTTY });
  return { stream: through as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs the CLI with stdout and stderr that are (or are not) terminals, under the given environment. */
async function runOn(
  isTTY: boolean,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = {
    NO_COLOR: process.env['NO_COLOR'],
    FORCE_COLOR: process.env['FORCE_COLOR'],
    TERM: process.env['TERM'],
  };
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply({ NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color', ...env });
  const out = stream(isTTY);
  const err = stream(isTTY);
  try {
    const code = await main(args, { stdout: out.stream, stderr: err.stream });
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    apply(saved);
  }
}

describe('--help and --version', () => {
  it('prints the version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(KIT_VERSION);
    }
  });

  it('lists every command, init included', async () => {
    expect(await commandNames()).toEqual(expect.arrayContaining([...PRINTS_A_RESULT, 'registry-entry']));
  });

  it('gives every command a help with a description, options and examples of real invocations', async () => {
    for (const command of await commandNames()) {
      const { code, stdout } = await runCli([command, '--help']);
      expect(code, command).toBe(0);
      expect(stdout, command).toMatch(new RegExp(`^Usage: mercure-module ${command} `, 'm'));
      expect(stdout, command).toMatch(/^Options:$/m);
      const examples = stdout.split(/^Examples?:$/m)[1] ?? '';
      expect(examples, `${command} --help has no Examples section`).toMatch(/^ {2}\$ /m);
      expect(examples, `${command}'s examples do not run it`).toMatch(new RegExp(`mercure-module ${command}\\b`));
    }
  });

  it('offers --json on every command that prints a result', async () => {
    for (const command of PRINTS_A_RESULT)
      expect((await runCli([command, '--help'])).stdout, command).toMatch(/^ {2}--json /m);
  });
});

describe('colours: only on a terminal, never with NO_COLOR', () => {
  const failing = path.join(FIXTURE_MODULES, 'static-entry-crlf');

  it('colours the report and the error on a terminal', async () => {
    const report = await runOn(true, ['check', failing], {});
    expect(report.code).toBe(1);
    expect(report.stdout).toContain(`${ESC}31m`);
    const error = await runOn(true, ['check', '/no/such/module'], {});
    expect(error.code).toBe(2);
    expect(error.stderr).toContain(`${ESC}31mmercure-module: error:`);
  });

  it.each([
    ['NO_COLOR on a terminal', true, { NO_COLOR: '1' }],
    ['TERM=dumb', true, { TERM: 'dumb' }],
    ['a pipe (not a terminal)', false, {}],
  ] as const)('prints no escape codes with %s', async (_name, isTTY, env) => {
    const report = await runOn(isTTY, ['check', failing], env);
    expect(report.stdout).toContain('entry-crlf');
    const error = await runOn(isTTY, ['check', '/no/such/module'], env);
    expect(error.stderr).toContain('mercure-module: error:');
    expect(report.stdout + report.stderr + error.stderr).not.toContain(ESC);
  });

  it('keeps --json free of colours and progress even on a terminal', async () => {
    const result = await runOn(true, ['check', failing, '--json'], {});
    expect(result.stdout).not.toContain(ESC);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, findings: [{ code: 'entry-crlf' }] });
  });

  it('decides per stream: styleFor reads isTTY, NO_COLOR, TERM and FORCE_COLOR', () => {
    const tty = stream(true).stream;
    const pipe = stream(false).stream;
    expect(styleFor(tty, { TERM: 'xterm' }).red('x')).toBe(`${ESC}31mx${ESC}39m`);
    expect(styleFor(tty, { TERM: 'xterm', NO_COLOR: '1' }).red('x')).toBe('x');
    expect(styleFor(pipe, {}).red('x')).toBe('x');
    expect(styleFor(pipe, { FORCE_COLOR: '1' }).red('x')).toBe(`${ESC}31mx${ESC}39m`);
  });

  it('prints a failure as a JSON error object on stdout with --json (the text stays on stderr)', async () => {
    const missing = await runCli(['check', '/nonexistent/module-folder', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, error: { kind: 'usage', exitCode: 2 } });
    expect(missing.stderr).toContain('mercure-module: error:');
    const badVersion = await runCli(['publish', '--image', '127.0.0.1:1/x/y', '--version', 'not-a-version', '--json']);
    const parsed = JSON.parse(badVersion.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(parsed.ok).toBe(false);
    expect(parsed.error.message).toContain('not-a-version');
    expect(badVersion.code).toBe(2);
    const unknown = await runCli(['check', '--no-such-option', '--json']);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'commander.unknownOption' } });
    expect((await runCli(['check', '/nonexistent/module-folder'])).stdout).toBe('');
  });
});
