import { describe, expect, it } from 'vitest';
import { EXAMPLE_MODULE } from '../support/images.js';
import { runCli } from './run-cli.js';

/** Bad input gets one clear line (plus an optional hint), a non-zero exit and never a stack trace. */
const CASES: [name: string, args: string[], code: number, message: RegExp, env?: Record<string, string>][] = [
  [
    'missing module folder',
    ['validate', '/nonexistent/module'],
    2,
    /module folder \/nonexistent\/module does not exist/,
  ],
  [
    'missing folder for check',
    ['check', '/nonexistent/module'],
    2,
    /module folder \/nonexistent\/module does not exist/,
  ],
  ['bad settings JSON', ['validate', EXAMPLE_MODULE, '--settings', '{radius: 2'], 2, /--settings is not valid JSON/],
  [
    'settings not an object',
    ['validate', EXAMPLE_MODULE, '--settings', '[1,2]'],
    2,
    /--settings must be a JSON object/,
  ],
  [
    'bad timeout',
    ['validate', EXAMPLE_MODULE, '--timeout', 'soon'],
    2,
    /--timeout expects a positive number of seconds, got "soon"/,
  ],
  [
    'bad level',
    ['validate', EXAMPLE_MODULE, '--level', 'patient'],
    2,
    /--level must be "series" or "study", got "patient"/,
  ],
  [
    'bad build arg',
    ['validate', EXAMPLE_MODULE, '--build-arg', 'NOEQUALS'],
    2,
    /--build-arg expects KEY=VALUE, got "NOEQUALS"/,
  ],
  [
    'unknown image',
    ['validate', '--image', 'mmk-test/never-built:9.9.9'],
    2,
    /image mmk-test\/never-built:9.9.9 is not in the Docker Engine/,
  ],
  [
    'no engine reachable',
    ['validate', '--image', 'x:1'],
    3,
    /no Docker Engine answers at unix:\/\/\/nonexistent\/docker.sock/,
    { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
  ],
  [
    'bad version',
    ['build', EXAMPLE_MODULE, '--image', 'acme/blur', '--version', '1.2'],
    2,
    /"1.2" is not a semantic version/,
  ],
  [
    'image with a tag',
    ['build', EXAMPLE_MODULE, '--image', 'acme/blur:1', '--version', '1.2.3'],
    2,
    /must name a repository without a tag/,
  ],
  [
    'invalid image name',
    ['publish', '--image', 'Acme/../Blur', '--version', '1.2.3'],
    2,
    /invalid image reference "Acme\/..\/Blur"/,
  ],
  ['unknown command', ['frobnicate'], 2, /unknown command 'frobnicate'/],
  [
    'missing required option',
    ['publish', '--image', 'acme/blur'],
    2,
    /required option '--version <version>' not specified/,
  ],
];

describe('CLI errors', () => {
  it.each(CASES)('%s', async (_name, args, code, message, env) => {
    const result = await runCli(args, env ?? {});
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });

  it('prints its version and help with exit 0', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['validate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--requires-root');
    expect(help.stdout).toContain('Examples:');
  });
});
